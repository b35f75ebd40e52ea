package api

import (
	"html"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/gateway/browsertest"
)

// screenshotDir is where the page's screenshots live, for docs/api.md; the browser test
// writes them there when UDI_UPDATE_SCREENSHOTS=1.
const screenshotDir = "../../docs/images"

var (
	verdictGreen = color.RGBA{0x17, 0x6f, 0x2c, 0xff}
	verdictRed   = color.RGBA{0xb0, 0x00, 0x20, 0xff}
)

func TestResolverPageInARealBrowser(t *testing.T) {
	browser := browsertest.Chromium(t)
	w := pageWorld(t)

	// Each state, in each language: words a reader of that language must find, and words
	// they must not.
	for _, tt := range []struct {
		state, path string
		en, zh      []string
		notEN       []string
		notZH       []string
	}{
		{"genuine", genuinePath,
			[]string{"<title>Infusion set – UDI Ledger</title>", ">Genuine<", "may be used", makerName},
			[]string{"<title>Infusion set – UDI 追溯链</title>", ">正品<", "可以使用", makerName}, nil, nil},
		{"implant", implantPath,
			[]string{"The record of your implant", "implanted", "Keep this code with your medical records", "Dispensed"},
			[]string{"您的植入器械记录", "植入", "已调配使用"},
			[]string{"Do not use", "do not use", "pharmacist"}, []string{"请勿使用"}},
		{"medicine", medicinePath,
			[]string{"The record of your medicine", "dispensed to you", "Amoxicillin capsules 250 mg"},
			[]string{"您的药品记录", "调配给您的药品"},
			[]string{"Do not use", "do not use", "implant"}, []string{"请勿使用", "植入"}},
		{"recalled", recalledPath,
			[]string{">Recalled<", "Contact the pharmacy or hospital that gave it to you, or the manufacturer", `href="#recall"`,
				"RC-2026-017", "sterile barrier may be breached"},
			[]string{">已召回<", "请联系为您提供该产品的药店或医院，或联系生产企业", `href="#recall"`, "RC-2026-017", "召回原因"}, nil, nil},
		{"suspect", suspectPath,
			[]string{"Not confirmed as genuine", "your national medicines regulator"},
			[]string{"无法确认为正品", "12315", `href="tel:12315"`}, []string{"12315", ">Genuine<"}, nil},
		{"clone", clonePath,
			[]string{"Not confirmed as genuine", "already used elsewhere"},
			[]string{"无法确认为正品", "已在别处使用过", "12315"}, nil, nil},
	} {
		t.Run(tt.state+" in English (the browser's default) and Chinese (by Accept-Language)", func(t *testing.T) {
			en := browsertest.RenderedDOM(t, browser, w.srv.URL+tt.path)
			zh, _ := browsertest.Headless(t, browser, w.srv.URL+tt.path, "--dump-dom", "--accept-lang=zh-CN,zh")
			for _, page := range []struct {
				lang, dom string
				want, not []string
			}{{"en", en, tt.en, tt.notEN}, {"zh", zh, tt.zh, tt.notZH}} {
				dom := html.UnescapeString(page.dom)
				if !strings.Contains(dom, `<html lang="`+page.lang+`">`) {
					t.Fatalf("page is not in %s:\n%s", page.lang, dom)
				}
				for _, want := range append(page.want, "<main>", "<h1>", `role="status"`) {
					if !strings.Contains(dom, want) {
						t.Errorf("%s page lacks %q:\n%s", page.lang, want, dom)
					}
				}
				for _, not := range append(page.not, holderWords...) {
					if strings.Contains(dom, not) {
						t.Errorf("%s page shows %q:\n%s", page.lang, not, dom)
					}
				}
				if regexp.MustCompile(`\d{2}:\d{2}:\d{2}\.\d+`).MatchString(textOf(dom)) {
					t.Errorf("%s page shows a timestamp:\n%s", page.lang, dom)
				}
			}
		})
	}

	t.Run("the language switch opens the same pack in the other language", func(t *testing.T) {
		en := browsertest.RenderedDOM(t, browser, w.srv.URL+recalledPath)
		href := regexp.MustCompile(`<nav[^>]*><a href="([^"]+)" hreflang="zh"`).FindStringSubmatch(en)
		if href == nil {
			t.Fatalf("no switch to Chinese:\n%s", en)
		}
		zh := browsertest.RenderedDOM(t, browser, w.srv.URL+html.UnescapeString(href[1]))
		if !strings.Contains(zh, `<html lang="zh">`) || !strings.Contains(zh, "已召回") || !strings.Contains(zh, `hreflang="en"`) {
			t.Fatalf("%s:\n%s", href[1], zh)
		}
	})

	t.Run("a linkType redirect lands on the page, which lists the manufacturer's links", func(t *testing.T) {
		w.must(200, nil, mfr, "PUT", "/v1/products/"+deviceDI+"/links", map[string]any{"links": []map[string]string{
			{"linkType": "gs1:epil", "href": "https://maker.example/leaflet.pdf", "title": "Patient leaflet"},
			{"linkType": "gs1:instructions", "href": "https://maker.example/ifu.pdf"}}})
		dom := browsertest.RenderedDOM(t, browser, w.srv.URL+genuinePath+"?linkType=gs1:pip")
		for _, want := range []string{">Genuine<", `href="https://maker.example/leaflet.pdf"`, "Patient leaflet", "Instructions for use"} {
			if !strings.Contains(dom, want) {
				t.Fatalf("page lacks %q:\n%s", want, dom)
			}
		}
		zh, _ := browsertest.Headless(t, browser, w.srv.URL+genuinePath+"?lang=zh", "--dump-dom")
		if !strings.Contains(zh, "使用说明") || !strings.Contains(zh, "生产企业提供的资料") {
			t.Fatalf("links in Chinese:\n%s", zh)
		}
	})

	// At a phone's size, under the page's Content-Security-Policy: the style applies (the
	// verdict's colour shows) and Chromium reports no violation.
	update := os.Getenv("UDI_UPDATE_SCREENSHOTS") == "1"
	for _, shot := range []struct {
		name, path string
		colour     color.RGBA
	}{
		{"genuine", genuinePath, verdictGreen},
		{"implant", implantPath, verdictGreen},
		{"recalled", recalledPath, verdictRed},
		{"suspect", suspectPath, verdictRed},
	} {
		t.Run("the "+shot.name+" page at phone size", func(t *testing.T) {
			img, log := browsertest.Screenshot(t, browser, w.srv.URL+shot.path, "390,844")
			for _, line := range strings.Split(log, "\n") {
				if strings.Contains(line, "Content Security Policy") {
					t.Fatalf("Chromium reports a policy violation: %s", line)
				}
			}
			if n := browsertest.Pixels(img, shot.colour); n < 200 {
				t.Fatalf("%d pixels of the verdict's colour: the style sheet was not applied", n)
			}
			if b := img.Bounds(); b.Dx() != 390 {
				t.Fatalf("screenshot %v, want 390 wide", b)
			}
			if update {
				writePNG(t, filepath.Join(screenshotDir, "resolver-"+shot.name+".png"), img)
			} else if _, err := os.Stat(filepath.Join(screenshotDir, "resolver-"+shot.name+".png")); err != nil {
				t.Fatalf("the docs' screenshot is missing (UDI_UPDATE_SCREENSHOTS=1 writes it): %v", err)
			}
		})
	}
}

// textOf is a page's text without its tags' attributes, where machine times belong.
func textOf(dom string) string {
	return regexp.MustCompile(`<[^>]*>`).ReplaceAllString(dom, " ")
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path) // #nosec G304 -- the docs' images folder
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

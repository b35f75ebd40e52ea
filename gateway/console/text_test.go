package console

import (
	"regexp"
	"strings"
	"testing"
)

func TestBothLanguagesHaveEveryWord(t *testing.T) {
	for key := range text["en"] {
		if _, ok := text["zh"][key]; !ok {
			t.Errorf("zh lacks %q", key)
		}
	}
	for key := range text["zh"] {
		if _, ok := text["en"][key]; !ok {
			t.Errorf("en lacks %q", key)
		}
	}
	verbs := regexp.MustCompile(`%[a-z]`)
	for key, en := range text["en"] {
		if got, want := verbs.FindAllString(text["zh"][key], -1), verbs.FindAllString(en, -1); strings.Join(got, "") != strings.Join(want, "") {
			t.Errorf("%q: zh has verbs %v, en %v", key, got, want)
		}
	}
}

func TestAcceptLanguageOrder(t *testing.T) {
	for _, tt := range []struct {
		give string
		want string
	}{
		{"zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"},
		{"en;q=0.5, zh-TW;q=0.9", "zh-TW"},
		{"fr, en;q=0.1", "fr"},
		{"zh;q=0, en", "en"},
		{"*", ""},
		{"en;q=2", ""}, // not a quality value
	} {
		got := acceptLanguages(tt.give)
		first := ""
		if len(got) > 0 {
			first = got[0]
		}
		if first != tt.want {
			t.Errorf("%q: %v, want %q first", tt.give, got, tt.want)
		}
	}
}

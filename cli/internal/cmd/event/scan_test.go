package event

import (
	"strings"
	"testing"

	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

func TestScanLinesReadAsAScannerSendsThem(t *testing.T) {
	const di = "06901234000719"
	in := strings.Join([]string{
		"]d201" + di + "21A1<GS>10E7", // DataMatrix, visible GS
		"]Q301" + di + "21A2<GS>10E7", // QR
		"]C101" + di + "21A3\x1d10E7", // GS1-128, a real GS
		"(01)" + di + "(21)A4",        // no symbology identifier
		"",                            // skipped
		"]d201" + di + "21A1<GS>10E7", // a double read
		"]d201" + di + "99",           // misread
		"https://id.gs1.org/01/" + di + "/21/A5",
	}, "\n")
	o := scanOptions{GS: "<GS>"}
	codes, bad, err := o.read(&cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(in)}})
	if err != nil {
		t.Fatal(err)
	}
	if codes.Len() != 5 || codes.Lines[2] != 3 || codes.Lines[4] != 8 || codes.Codes[0] != "]d201"+di+"21A1\x1d10E7" {
		t.Fatalf("codes %q lines %v", codes.Codes, codes.Lines)
	}
	if len(bad) != 2 || bad[0].Line != 6 || !strings.Contains(bad[0].Error, "repeats line 1") || bad[1].Line != 7 || bad[1].Outcome != outcomeInvalid {
		t.Fatalf("bad %+v", bad)
	}
}

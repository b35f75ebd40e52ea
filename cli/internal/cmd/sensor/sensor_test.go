package sensor

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/gs1"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// coldProduct registers, as the story's manufacturer, a product kept at 2–8 °C, a lot and
// n units of it, and returns their codes.
func coldProduct(t *testing.T, g *clitest.Gateway, base string, n int) []string {
	t.Helper()
	d, _ := gs1.CheckDigit(base)
	di := base + string(d)
	c := g.Client(t, orgs.Manufacturer)
	ctx := context.Background()
	var codes []string
	for i := 1; i <= n; i++ {
		codes = append(codes, "(01)"+di+"(21)C"+string(rune('0'+i)))
	}
	steps := []func() error{
		func() error {
			_, err := ledger.Do(ctx, c, nil, ops.RegisterProduct, model.Product{DI: di, Name: "Vaccine", Kind: model.KindDevice, Storage: &model.TemperatureRange{Min: 2, Max: 8}})
			return err
		},
		func() error {
			_, err := ledger.Do(ctx, c, nil, ops.RegisterLot, model.Lot{DI: di, Lot: "K1", Expiry: time.Now().AddDate(1, 0, 0).Format("2006-01-02")})
			return err
		},
		func() error {
			_, err := ledger.Do(ctx, c, nil, ops.Commission, model.CommissionRequest{EventHeader: model.EventHeader{EventID: "urn:test:cold:" + di}, DI: di, Lot: "K1", Codes: codes})
			return err
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			t.Fatal(err)
		}
	}
	return codes
}

func write(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSensorUpload(t *testing.T) {
	g := clitest.StoryGateway(t)
	codes := coldProduct(t, g, "0690123400081", 3)
	mfr := g.Env(orgs.Manufacturer)

	// An export with the logger's preamble, date and time in two columns, the unit in the header.
	cool := write(t, "rc5-2231.csv", "Device,RC-5 2231\nStart,2026-12-01 08:00\n\nNo.,Date,Time,Temperature (°C)\n"+
		"1,2026-12-01,08:00:00,4.1\n2,2026-12-01,08:10:00,4.6\n3,2026-12-01,08:20:00,5.0\n4,2026-12-01,08:30:00,5.2\n5,2026-12-01,08:40:00,4.9\n")
	// A European export: semicolons, decimal commas, Fahrenheit; one reading at 53.6 °F (12 °C).
	warm := write(t, "logtag.csv", "Time;Temperature(°F)\n2026-12-01T09:00:00+08:00;41,0\n2026-12-01T09:10:00+08:00;53,6\n")

	var lastEvent string
	t.Run("in-range readings in events of --batch, each a row; no alert", func(t *testing.T) {
		out, errOut, code := clitest.Run(t, mfr, NewCmdSensor, "upload", cool, "--tz", "Asia/Shanghai", "--batch", "2", "--device", "urn:logger:rc5:2231", "--code", codes[0], "--code", codes[1])
		if code != cmdutil.ExitOK ||
			!regexp.MustCompile(`(?m)^EVENT\s+READINGS\s+LINES\s+OUTCOME`).MatchString(out) ||
			!regexp.MustCompile(`(?m)^3\s+1\s+9-9\s+done\s+udi:sensor:3:`).MatchString(out) ||
			!strings.Contains(errOut, "sensor upload "+cool+": 5 readings in 3 events: 3 done, 0 replayed, 0 failed, 0 not sent") ||
			strings.Contains(errOut, "alert") {
			t.Fatalf("exit %d:\n%s%s", code, out, errOut)
		}
		v := g.Verify(t, codes[0])
		if v.Status != model.StatusActive {
			t.Fatalf("status %s", v.Status)
		}
		lastEvent = regexp.MustCompile(`udi:sensor:3:\w+`).FindString(out)
	})
	t.Run("the readings reached the ledger with their times in UTC+8 and the device", func(t *testing.T) {
		r, err := ledger.Do(context.Background(), g.Client(t, orgs.Manufacturer), nil, ops.Event, model.EventIDQuery{EventID: lastEvent})
		if err != nil {
			t.Fatal(err)
		}
		last := r.Value
		if last.BizStep != model.BizStepSensorReporting || len(last.SensorElementList) != 1 ||
			last.SensorElementList[0].DeviceID != "urn:logger:rc5:2231" ||
			last.SensorElementList[0].Reports[0] != (model.SensorReport{Type: model.TemperatureType, Value: 4.9, UOM: "CEL", Time: "2026-12-01T08:40:00+08:00"}) {
			t.Fatalf("last event %+v", last)
		}
	})
	t.Run("the same upload again is replayed, nothing written twice", func(t *testing.T) {
		_, errOut, code := clitest.Run(t, mfr, NewCmdSensor, "upload", cool, "--tz", "Asia/Shanghai", "--batch", "2", "--device", "urn:logger:rc5:2231", "--code", codes[0], "--code", codes[1])
		if code != cmdutil.ExitOK || !strings.Contains(errOut, "0 done, 3 replayed") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("an excursion comes back as an alert, printed; the unit is quarantined", func(t *testing.T) {
		out, errOut, code := clitest.Run(t, mfr, NewCmdSensor, "upload", warm, "--code", codes[2])
		if code != cmdutil.ExitOK ||
			!regexp.MustCompile(`temperature_excursion\s+`+orgs.Manufacturer+`\s.*12\.0 °C outside 2\.0–8\.0 °C`).MatchString(out) ||
			!regexp.MustCompile(`alert udi:sensor:1:\w+ \(temperature_excursion\): `).MatchString(errOut) {
			t.Fatalf("exit %d:\n%s%s", code, out, errOut)
		}
		if v := g.Verify(t, codes[2]); v.Status != model.StatusQuarantined {
			t.Fatalf("status %s", v.Status)
		}
	})
	t.Run("-o json has the events and the alerts", func(t *testing.T) {
		out, _, code := clitest.Run(t, mfr, NewCmdSensor, "upload", warm, "--code", codes[2], "-o", "json")
		var got struct {
			Readings, Replayed int
			Codes              *int
			Alerts             []model.Alert
		}
		if code != cmdutil.ExitOK || json.Unmarshal([]byte(out), &got) != nil || got.Readings != 2 || got.Replayed != 1 || len(got.Alerts) != 1 || got.Codes != nil {
			t.Fatalf("exit %d: %s", code, out)
		}
	})
	bad := []struct{ name, body, want string }{
		{"a value that is not a number", "time,temperature\n2026-12-01T08:00:00Z,4.1\n2026-12-01T08:10:00Z,n/a\n", `bad.csv:3: value "n/a" is not a number`},
		{"a time in no known form", "time,temperature\n01/12/2026 08:00,4.1\n", `bad.csv:2: time "01/12/2026 08:00"`},
		{"no header", "2026-12-01T08:00:00Z,4.1\n", `no header row with a time and a value column`},
		{"an unknown unit", "time,temperature (R)\n2026-12-01T08:00:00Z,4.1\n", `unit "r" unknown: give --uom`},
	}
	for _, tt := range bad {
		t.Run("refused before anything is sent: "+tt.name, func(t *testing.T) {
			_, errOut, code := clitest.Run(t, mfr, NewCmdSensor, "upload", write(t, "bad.csv", tt.body), "--code", codes[0])
			if code != cmdutil.ExitInvalid || !strings.Contains(errOut, tt.want) {
				t.Fatalf("exit %d: %s", code, errOut)
			}
		})
	}
	t.Run("no codes, invalid input", func(t *testing.T) {
		if _, errOut, code := clitest.Run(t, mfr, NewCmdSensor, "upload", cool); code != cmdutil.ExitInvalid || !strings.Contains(errOut, "--code") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("a party with nothing to do with the units is refused by the ledger (exit 3)", func(t *testing.T) {
		_, errOut, code := clitest.Run(t, g.Env(orgs.Platform), NewCmdSensor, "upload", warm, "--code", codes[0])
		if code != cmdutil.ExitRejected || !strings.Contains(errOut, "FORBIDDEN") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
}

func TestReadLoggerExports(t *testing.T) {
	tests := []struct {
		name, body string
		f          Format
		want       []model.SensorReport
	}{
		{"tab-separated with a type and a uom column", "timestamp\tvalue\ttype\tuom\n2026-12-01T08:00:00Z\t55\tRelativeHumidity\tP1\n",
			Format{}, []model.SensorReport{{Type: "gs1:RelativeHumidity", Value: 55, UOM: "P1", Time: "2026-12-01T08:00:00Z"}}},
		{"named columns and a layout", "Zeit,Fühler 1\n01.12.2026 08:00,-18.5\n",
			Format{TimeColumn: "Zeit", ValueColumn: "Fühler 1", TimeLayout: "02.01.2006 15:04", UOM: "CEL"},
			[]model.SensorReport{{Type: model.TemperatureType, Value: -18.5, UOM: "CEL", Time: "2026-12-01T08:00:00Z"}}},
		{"a preamble with commas, a header and readings with semicolons", "Logger,X1\nInterval,10 min\n\nTime;Temperature (°C)\n2026-12-02 08:00;4,5\n",
			Format{}, []model.SensorReport{{Type: model.TemperatureType, Value: 4.5, UOM: "CEL", Time: "2026-12-02T08:00:00Z"}}},
		{"kelvin in brackets, a BOM", "\ufefftime,Temperature [K]\n2026-12-01 08:00,278.15\n",
			Format{}, []model.SensorReport{{Type: model.TemperatureType, Value: 278.15, UOM: "KEL", Time: "2026-12-01T08:00:00Z"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Read(strings.NewReader(tt.body), "x.csv", tt.f)
			if err != nil || len(got) != len(tt.want) {
				t.Fatalf("Read = %+v, %v", got, err)
			}
			for i := range got {
				if got[i].SensorReport != tt.want[i] {
					t.Fatalf("reading %d = %+v, want %+v", i, got[i].SensorReport, tt.want[i])
				}
			}
		})
	}
}

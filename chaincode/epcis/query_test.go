package epcis_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/epcis"
	"github.com/udiledger/udiledger/chaincode/model"
)

// ledgerShip is a shipment as the chaincode stores it.
var ledgerShip = model.Event{
	EventID: "urn:uuid:s1", Type: model.ObjectEvent, Action: model.ActionObserve,
	BizStep: model.BizStepShipping, Disposition: model.DispositionInTransit,
	EventTime: "2024-05-01T02:00:00.000000000Z", EPCList: []string{sgtinArg, ssccKey},
	QuantityList:       []model.QuantityElement{{Code: lotKey, Quantity: 5}},
	ReadPoint:          siteGLN,
	BizTransactionList: []model.BizTransaction{{Type: model.BizTxDespatch, Value: "urn:epcglobal:cbv:bt:9506000000015:D1"}},
	SourceList:         []model.SourceDest{{Type: model.SDOwningParty, Value: "DistributorMSP"}},
	DestinationList:    []model.SourceDest{{Type: model.SDOwningParty, Value: "HospitalMSP"}, {Type: model.SDLocation, Value: "9506000000091"}},
	Actor:              "DistributorMSP", TxID: "tx1",
}

// ledgerPack is a packing as the chaincode stores it.
var ledgerPack = model.Event{
	EventID: "urn:uuid:p1", Type: model.AggregationEvent, Action: model.ActionAdd,
	BizStep: model.BizStepPacking, Disposition: model.DispositionInProgress,
	EventTime: "2024-04-30T00:00:00.000000000Z", ParentID: ssccKey, ChildEPCs: []string{sgtinArg},
	ReadPoint: siteGLN, BizLocation: siteGLN, Actor: "ManufacturerMSP", TxID: "tx0",
}

// ledgerReturn is a return as the chaincode stores it.
var ledgerReturn = model.Event{
	EventID: "urn:uuid:rt", Type: model.ObjectEvent, Action: model.ActionObserve,
	BizStep: model.BizStepReturning, Disposition: model.DispositionReturned,
	EventTime: "2024-05-03T00:00:00.000000000Z", EPCList: []string{drugCode},
}

func TestParseQueryReadsEachParameter(t *testing.T) {
	tests := []struct {
		name  string
		give  string
		match []model.Event // events the filter matches, of ledgerShip, ledgerPack, ledgerReturn
	}{
		{"no parameter", "", []model.Event{ledgerShip, ledgerPack, ledgerReturn}},
		{"eventType", "eventType=AggregationEvent", []model.Event{ledgerPack}},
		{"eventType with two types", "eventType=AggregationEvent|ObjectEvent", []model.Event{ledgerShip, ledgerPack, ledgerReturn}},
		{"eventType repeated", "eventType=TransformationEvent&eventType=AggregationEvent", []model.Event{ledgerPack}},
		{"GE_eventTime", "GE_eventTime=2024-05-01T10:00:00%2B08:00", []model.Event{ledgerShip, ledgerReturn}},
		{"LT_eventTime", "LT_eventTime=2024-05-01T02:00:00Z", []model.Event{ledgerPack}},
		{"GE_recordTime", "GE_recordTime=2024-05-02T00:00:00Z", []model.Event{ledgerReturn}},
		{"LT_recordTime", "LT_recordTime=2024-05-01T02:00:00.000000001Z", []model.Event{ledgerShip, ledgerPack}},
		{"EQ_action", "EQ_action=ADD", []model.Event{ledgerPack}},
		{"EQ_bizStep bare", "EQ_bizStep=packing", []model.Event{ledgerPack}},
		{"EQ_bizStep as CBV URIs", "EQ_bizStep=https://ref.gs1.org/cbv/BizStep-shipping|urn:epcglobal:cbv:bizstep:packing", []model.Event{ledgerShip, ledgerPack, ledgerReturn}},
		{"EQ_disposition", "EQ_disposition=returned", []model.Event{ledgerReturn}},
		{"EQ_readPoint as an SGLN", "EQ_readPoint=" + url.QueryEscape(siteURN), []model.Event{ledgerShip, ledgerPack}},
		{"EQ_bizLocation as a Digital Link", "EQ_bizLocation=" + url.QueryEscape("https://id.gs1.org/414/"+siteGLN), []model.Event{ledgerPack}},
		{"EQ_bizLocation as a bare GLN", "EQ_bizLocation=" + siteGLN, []model.Event{ledgerPack}},
		{"EQ_eventID", "EQ_eventID=urn:uuid:p1|urn:uuid:rt", []model.Event{ledgerPack, ledgerReturn}},
		{"MATCH_epc by URN", "MATCH_epc=" + url.QueryEscape(sgtinURN), []model.Event{ledgerShip, ledgerPack}},
		{"MATCH_epc by Digital Link", "MATCH_epc=" + url.QueryEscape("https://id.gs1.org/00/095060000000000015"), []model.Event{ledgerShip}},
		{"MATCH_epc by pattern", "MATCH_epc=" + url.QueryEscape("urn:epc:idpat:sgtin:9506000.013435.*"), []model.Event{ledgerShip, ledgerPack}},
		{"MATCH_epc by drug trace code URI", "MATCH_epc=" + url.QueryEscape(epcis.CodeURIPrefix+drugCode), []model.Event{ledgerReturn}},
		{"MATCH_parentID", "MATCH_parentID=" + url.QueryEscape(ssccURN), []model.Event{ledgerPack}},
		{"MATCH_anyEPC", "MATCH_anyEPC=" + url.QueryEscape(ssccURN), []model.Event{ledgerShip, ledgerPack}},
		{"MATCH_epcClass", "MATCH_epcClass=" + url.QueryEscape(lotClass), []model.Event{ledgerShip}},
		{"EQ_bizTransaction_desadv", "EQ_bizTransaction_desadv=" + url.QueryEscape("urn:epcglobal:cbv:bt:9506000000015:D1"), []model.Event{ledgerShip}},
		{"EQ_bizTransaction_po", "EQ_bizTransaction_po=" + url.QueryEscape("urn:epcglobal:cbv:bt:9506000000015:D1"), nil},
		{"parameters together", "EQ_bizStep=shipping&MATCH_anyEPC=" + url.QueryEscape(ssccURN), []model.Event{ledgerShip}},
		{"perPage and nextPageToken", "perPage=10&nextPageToken=abc", []model.Event{ledgerShip, ledgerPack, ledgerReturn}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := url.ParseQuery(tt.give)
			if err != nil {
				t.Fatal(err)
			}
			f, err := epcis.ParseQuery(q)
			if err != nil {
				t.Fatalf("ParseQuery: %v", err)
			}
			wanted := map[string]bool{}
			for _, ev := range tt.match {
				wanted[ev.EventID] = true
			}
			for _, ev := range []model.Event{ledgerShip, ledgerPack, ledgerReturn} {
				if got := f.Match(ev); got != wanted[ev.EventID] {
					t.Errorf("Match(%s) = %v, want %v", ev.EventID, got, wanted[ev.EventID])
				}
			}
		})
	}
}

func TestParseQueryKeepsPaging(t *testing.T) {
	f, err := epcis.ParseQuery(url.Values{"perPage": {"25"}, "nextPageToken": {"b0"}})
	if err != nil || f.PerPage != 25 || f.NextPageToken != "b0" {
		t.Errorf("filter = %+v, %v", f, err)
	}
}

func TestParseQueryNamesTheWrongParameter(t *testing.T) {
	tests := []struct {
		give  string
		param string
		why   string
	}{
		{"eventType=QuantityEvent", "eventType", "is not an EPCIS event type"},
		{"eventType=ObjectEvent|", "eventType", "has an empty value"},
		{"GE_eventTime=yesterday", "GE_eventTime", "RFC 3339"},
		{"LT_eventTime=2024-01-01T00:00:00Z&LT_eventTime=2024-01-02T00:00:00Z", "LT_eventTime", "exactly one"},
		{"GE_recordTime=", "GE_recordTime", "exactly one non-empty value"},
		{"LT_recordTime=2024-01-01", "LT_recordTime", "RFC 3339"},
		{"EQ_action=MOVE", "EQ_action", "is not ADD, OBSERVE or DELETE"},
		{"EQ_bizStep=returning", "EQ_bizStep", "neither a CBV 2.0 business step nor a URI"},
		{"EQ_disposition=https://ref.gs1.org/cbv/Disp-lost", "EQ_disposition", "is not a CBV 2.0 disposition"},
		{"EQ_readPoint=" + url.QueryEscape(sgtinURN), "EQ_readPoint", "want an SGLN"},
		{"EQ_bizLocation=" + url.QueryEscape("urn:epc:id:sgln:9506000.00001.dock"), "EQ_bizLocation", "GLN extension"},
		{"MATCH_epc=notacode", "MATCH_epc", "unknown format"},
		{"MATCH_parentID=" + url.QueryEscape("https://id.gs1.org/01/09506000134353/21/1"), "MATCH_parentID", "check"},
		{"MATCH_anyEPC=" + url.QueryEscape(epcis.CodeURIPrefix), "MATCH_anyEPC", "path-escaped code"},
		{"MATCH_epcClass=" + url.QueryEscape(sgtinURN), "MATCH_epcClass", "names one object, not a class"},
		{"MATCH_inputEPC=" + url.QueryEscape(sgtinURN), "MATCH_inputEPC", "TransformationEvents"},
		{"MATCH_outputEPC=" + url.QueryEscape(sgtinURN), "MATCH_outputEPC", "TransformationEvents"},
		{"WD_readPoint=" + url.QueryEscape(siteURN), "WD_readPoint", "not supported"},
		{"EQ_bizTransaction_invoice=urn:x:1", "EQ_bizTransaction_invoice", "business transaction type"},
		{"perPage=0", "perPage", "from 1 to 1000"},
		{"perPage=ten", "perPage", "from 1 to 1000"},
		{"perPage=1001", "perPage", "from 1 to 1000"},
		{"nextPageToken=", "nextPageToken", "exactly one non-empty value"},
		{"orderBy=eventTime", "orderBy", "is not a query parameter this ledger answers"},
	}
	for _, tt := range tests {
		t.Run(tt.param+" "+tt.why, func(t *testing.T) {
			q, err := url.ParseQuery(tt.give)
			if err != nil {
				t.Fatal(err)
			}
			_, err = epcis.ParseQuery(q)
			var qe *epcis.QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("err = %v, want a *QueryError", err)
			}
			if qe.Param != tt.param || !strings.Contains(qe.Reason, tt.why) {
				t.Errorf("error %q, want parameter %s and %q", qe.Error(), tt.param, tt.why)
			}
		})
	}
}

func TestRequireEPCRestrictsToOneCode(t *testing.T) {
	f, err := epcis.ParseQuery(url.Values{"EQ_bizStep": {"shipping|packing"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.RequireEPC("https://id.gs1.org/00/095060000000000015"); err != nil {
		t.Fatal(err)
	}
	if !f.Match(ledgerShip) || !f.Match(ledgerPack) || f.Match(ledgerReturn) {
		t.Error("RequireEPC by SSCC matched the wrong events")
	}
	if err := f.RequireEPC("]d201095060001343521"); err == nil || !strings.Contains(err.Error(), "epc") {
		t.Errorf("RequireEPC of a bad code: %v", err)
	}
}

func TestTimeRangeCombinesEventAndRecordTime(t *testing.T) {
	f, err := epcis.ParseQuery(url.Values{
		"GE_eventTime": {"2024-01-01T00:00:00Z"}, "GE_recordTime": {"2024-02-01T00:00:00Z"},
		"LT_eventTime": {"2024-04-01T00:00:00Z"}, "LT_recordTime": {"2024-03-01T00:00:00Z"},
	})
	if err != nil {
		t.Fatal(err)
	}
	from, to := f.TimeRange()
	if !from.Equal(time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)) || !to.Equal(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("TimeRange = %v, %v", from, to)
	}
	empty, _ := epcis.ParseQuery(nil)
	if from, to := empty.TimeRange(); !from.IsZero() || !to.IsZero() {
		t.Errorf("TimeRange of no parameter = %v, %v", from, to)
	}
}

func TestCodeKeyReadsEveryForm(t *testing.T) {
	for _, give := range []string{sgtinURN, "https://id.gs1.org/01/09506000134352/21/S1", sgtinArg, "]d20109506000134352" + "21S1"} {
		if k, err := epcis.CodeKey(give); err != nil || k != sgtinArg {
			t.Errorf("CodeKey(%q) = %q, %v", give, k, err)
		}
	}
	if k, err := epcis.CodeKey(epcis.CodeURIPrefix + drugCode); err != nil || k != drugCode {
		t.Errorf("CodeKey of a code URI = %q, %v", k, err)
	}
	if _, err := epcis.CodeKey("nonsense"); err == nil {
		t.Error("CodeKey accepted nonsense")
	}
}

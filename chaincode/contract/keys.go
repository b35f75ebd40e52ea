package contract

import (
	"strings"

	"github.com/udiledger/udiledger/chaincode/model"
)

// Object types of composite keys. Every record and index has its own type prefix; index
// entries hold the single byte 0x00 and are deleted with what they point at.
const (
	otParty     = "party"     // [mspID] -> model.Party
	otPrefix    = "prefix"    // [scheme, prefix] -> MSP ID owning a GS1 company prefix or drug product code
	otProduct   = "product"   // [DI] -> model.Product
	otLot       = "lot"       // [DI, lot] -> model.Lot
	otUnit      = "unit"      // [key] -> model.Unit
	otContainer = "container" // [key] -> model.Container
	otLotUnit   = "lotunit"   // [DI, lot, key] -> 0x00: the units of a lot, written once at commissioning
	otHeld      = "held"      // [mspID, kind, key] -> 0x00: top-level things a party holds
	otEvent     = "event"     // [eventID, actor MSP] -> model.Event: event IDs are per submitter (ADR 015)
	otAlert     = "alert"     // [alertID, reporting MSP] -> model.Alert: the ID of the event that raised it
	otAlertBy   = "alertby"   // [kind, code, reporting MSP] -> alert ID: one open alert per reporter
	otCase      = "case"      // [caseID] -> model.Case
	otCaseBy    = "caseby"    // [alert kind, code] -> case ID: the one open case of a kind about a code
	otRecall    = "recall"    // [recallID] -> model.Recall
	otAck       = "recallack" // [recallID, mspID] -> model.Acknowledgement
	otConfig    = "config"    // ["init"] -> the init record
	otDispense  = "dispense"  // private: [eventID, dispensing MSP] -> model.DispenseRecord
)

// Kinds in held index keys.
const (
	heldUnit      = "u"
	heldContainer = "c"
)

// eventTimePrefix starts the simple (non-composite) keys of the event time index,
// "evt:<time in model.TimeLayout>:<eventID>\x00<actor MSP>" -> 0x00. Fabric allows arbitrary
// start and end keys only for simple keys, and a time window is a range, not a prefix. An
// event ID holds no U+0000 (it is a composite key attribute), so the first one ends it.
const eventTimePrefix = "evt:"

// eventTimeKey is the time index key of the event id of actor recorded at time (model.TimeLayout).
func eventTimeKey(time, id, actor string) string {
	return eventTimePrefix + time + ":" + id + "\x00" + actor
}

// parseIndexTail reads the event ID and actor of an index key: prefix, then
// "<time in model.TimeLayout>:<eventID>\x00<actor MSP>".
func parseIndexTail(k, prefix string) (id, actor string, ok bool) {
	n := len(prefix) + len(model.TimeLayout) + 1
	if len(k) <= n || !strings.HasPrefix(k, prefix) {
		return "", "", false
	}
	id, actor, ok = strings.Cut(k[n:], "\x00")
	return id, actor, ok && id != "" && actor != ""
}

// Event indexes (ADR 019): simple keys "eby:<index>\x00<value>\x00<time>:<eventID>\x00<actor>"
// -> 0x00, one per value an event has, in record-time order within a value. EPCIS queries
// read them instead of the time index. Only observations index their codes: a governed
// code's events are its key's history (query:Provenance).
const eventIndexPrefix = "eby:"

// eventIndexPrefixOf starts the keys of one index value.
func eventIndexPrefixOf(index, value string) string {
	return eventIndexPrefix + index + "\x00" + value + "\x00"
}

// indexValue is the value of every index entry.
var indexValue = []byte{0}

// prefix schemes in prefix keys.
const (
	prefixGS1    = "gs1"
	prefixCNDrug = "cn-drug"
)

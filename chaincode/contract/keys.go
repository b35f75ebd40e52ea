package contract

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
	otEvent     = "event"     // [eventID] -> model.Event
	otAlert     = "alert"     // [alertID] -> model.Alert
	otAlertBy   = "alertby"   // [kind, code, reporting MSP] -> alert ID: one open alert per reporter
	otRecall    = "recall"    // [recallID] -> model.Recall
	otAck       = "recallack" // [recallID, mspID] -> model.Acknowledgement
	otConfig    = "config"    // ["init"] -> the init record
	otDispense  = "dispense"  // private: [eventID] -> model.DispenseRecord
)

// Kinds in held index keys.
const (
	heldUnit      = "u"
	heldContainer = "c"
)

// eventTimePrefix starts the simple (non-composite) keys of the event time index,
// "evt:<time in model.TimeLayout>:<eventID>" -> 0x00. Fabric allows arbitrary start and end
// keys only for simple keys, and a time window is a range, not a prefix.
const eventTimePrefix = "evt:"

// indexValue is the value of every index entry.
var indexValue = []byte{0}

// prefix schemes in prefix keys.
const (
	prefixGS1    = "gs1"
	prefixCNDrug = "cn-drug"
)

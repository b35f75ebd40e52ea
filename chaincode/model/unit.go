package model

import (
	"sort"
	"time"
)

// Unit is a serialized item: one unit of use, or a serialized package of a product.
type Unit struct {
	Key            string        `json:"key"` // canonical identity, e.g. (01)<gtin>(21)<serial>
	Scheme         Scheme        `json:"scheme"`
	DI             string        `json:"di"`
	Lot            string        `json:"lot"`
	Serial         string        `json:"serial,omitempty"`
	Expiry         string        `json:"expiry,omitempty"`
	Status         Status        `json:"status"`
	Quarantined    bool          `json:"quarantined,omitempty"`
	Owner          string        `json:"owner"`               // MSP ID; while packed, the container's owner rules
	Custodian      string        `json:"custodian,omitempty"` // who physically holds it; empty in transit
	Location       string        `json:"location,omitempty"`  // GLN
	Parent         string        `json:"parent,omitempty"`    // key of the container it is packed in
	ShipTo         string        `json:"shipTo,omitempty"`    // receiver while in transit
	ShipFrom       string        `json:"shipFrom,omitempty"`
	Returning      bool          `json:"returning,omitempty"`    // in transit as a return, until its receiver accepts it
	ReturnRecall   string        `json:"returnRecall,omitempty"` // the recall a return in transit goes back under
	RecallIDs      []string      `json:"recallIds,omitempty"`    // recalls naming this code
	ReworkedFor    []string      `json:"reworkedFor,omitempty"`  // recalls it was re-worked under (unit:Rework): none holds it back
	Dispense       *DispenseInfo `json:"dispense,omitempty"`
	PackState      *PackStamp    `json:"packState,omitempty"` // set while Status is a pack state
	CloneSuspected bool          `json:"cloneSuspected,omitempty"`
	Lineage        *Lineage      `json:"lineage,omitempty"` // what a transformation made it of
	LastEventID    string        `json:"lastEventId"`
	LastEventBy    string        `json:"lastEventBy"` // its submitter: event IDs are per submitter
	UpdatedAt      string        `json:"updatedAt"`
}

// Lineage is what a unit was made of (unit:Transform): the inputs the transformation
// consumed, and the transformation.
type Lineage struct {
	EventID          string            `json:"eventId"`
	By               string            `json:"by"` // the transformation's submitter
	TransformationID string            `json:"transformationId,omitempty"`
	Inputs           []string          `json:"inputs,omitempty"` // canonical keys
	InputQuantities  []QuantityElement `json:"inputQuantities,omitempty"`
}

// Association is a device travelling with goods (unit:Associate), keyed by the device. It
// is active from Since until Until (empty while it lasts); a new ADD after it ended starts
// another.
type Association struct {
	Device     string   `json:"device"`
	Codes      []string `json:"codes"` // canonical keys of the units and containers, sorted
	Since      string   `json:"since"` // event time of the associating event
	Until      string   `json:"until,omitempty"`
	EventID    string   `json:"eventId"` // the associating event and its submitter
	By         string   `json:"by"`
	ObservedAt string   `json:"observedAt,omitempty"` // event time of the last OBSERVE
	EndedBy    string   `json:"endedBy,omitempty"`    // the event that ended it
}

// Active reports whether the association covered the time at (TimeLayout text, as Since
// and Until are).
func (a *Association) Active(at string) bool {
	return a != nil && at >= a.Since && (a.Until == "" || at < a.Until)
}

// DispenseInfo is the public part of a dispense: who, when, and salted hashes only.
type DispenseInfo struct {
	By               string `json:"by"` // the dispenser, also the submitter of EventID
	At               string `json:"at"`
	EventID          string `json:"eventId"`
	PatientHash      string `json:"patientHash"`
	PrescriptionHash string `json:"prescriptionHash,omitempty"`
}

// Container is a logistic unit (SSCC) or a serialized case holding units or other containers.
type Container struct {
	Key          string        `json:"key"`
	Kind         ContainerKind `json:"kind"`
	Status       Status        `json:"status"`
	Quarantined  bool          `json:"quarantined,omitempty"`
	Owner        string        `json:"owner"`
	Custodian    string        `json:"custodian,omitempty"`
	Location     string        `json:"location,omitempty"`
	Parent       string        `json:"parent,omitempty"`
	ShipTo       string        `json:"shipTo,omitempty"`
	ShipFrom     string        `json:"shipFrom,omitempty"`
	Returning    bool          `json:"returning,omitempty"`    // in transit as a return
	ReturnRecall string        `json:"returnRecall,omitempty"` // the recall a return in transit goes back under
	Units        []string      `json:"units"`                  // direct child units, sorted
	Containers   []string      `json:"containers"`             // direct child containers, sorted
	Contents     []LotCount    `json:"contents"`               // units inside at any depth, per lot
	RecallIDs    []string      `json:"recallIds,omitempty"`
	LastEventID  string        `json:"lastEventId"`
	LastEventBy  string        `json:"lastEventBy"` // its submitter: event IDs are per submitter
	UpdatedAt    string        `json:"updatedAt"`
}

// LotCount is a number of units of one lot.
type LotCount struct {
	DI    string `json:"di"`
	Lot   string `json:"lot"`
	Count int    `json:"count"`
}

// AddContents returns a merged with b added (sign +1) or removed (sign -1), sorted by DI and
// lot, without zero rows.
func AddContents(a, b []LotCount, sign int) []LotCount {
	m := map[[2]string]int{}
	for _, c := range a {
		m[[2]string{c.DI, c.Lot}] += c.Count
	}
	for _, c := range b {
		m[[2]string{c.DI, c.Lot}] += sign * c.Count
	}
	out := make([]LotCount, 0, len(m))
	for k, n := range m {
		if n != 0 {
			out = append(out, LotCount{DI: k[0], Lot: k[1], Count: n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].DI != out[j].DI {
			return out[i].DI < out[j].DI
		}
		return out[i].Lot < out[j].Lot
	})
	return out
}

// UnitCount is the total number of units in contents.
func UnitCount(contents []LotCount) int {
	n := 0
	for _, c := range contents {
		n += c.Count
	}
	return n
}

// Terminal reports whether s ends a unit's life in the supply chain: it can no longer move
// on, and nothing but an undo or a return changes it.
func (s Status) Terminal() bool {
	switch s {
	case StatusDispensed, StatusDecommissioned, StatusDestroyed, StatusReturned:
		return true
	}
	return false
}

// Condition is everything that decides what a unit may do, gathered from the unit, its
// container chain, its lot and its product.
type Condition struct {
	Own         Status   // stored status of the unit (or of the container asked about)
	Chain       []Status // stored statuses of the containers around it, inner first
	Quarantined bool     // the unit or a container around it is quarantined
	LotStatus   LotStatus
	Recalled    bool // a recall names the unit, a container around it, its lot or its DI
	Expiry      string
	Now         time.Time
}

// Effective returns the one status that describes the unit now, most decisive first:
// destroyed, decommissioned, dispensed, returned; a pack state (stolen first); recalled;
// quarantined; expired; in transit; active.
func (c Condition) Effective() Status {
	all := append([]Status{c.Own}, c.Chain...)
	for _, s := range []Status{StatusDestroyed, StatusDecommissioned, StatusDispensed, StatusReturned} {
		for _, have := range all {
			if have == s {
				return s
			}
		}
	}
	for _, s := range PackStates {
		for _, have := range all {
			if have == s {
				return s
			}
		}
	}
	if c.Recalled || c.LotStatus == LotRecalled {
		return StatusRecalled
	}
	if c.Quarantined || c.LotStatus == LotQuarantined {
		return StatusQuarantined
	}
	if Expired(c.Expiry, c.Now) {
		return StatusExpired
	}
	for _, have := range all {
		if have == StatusInTransit {
			return StatusInTransit
		}
	}
	return StatusActive
}

// Stage returns where the unit physically is, ignoring recalls, quarantine and expiry: active
// (in stock), in_transit, dispensed, returned, decommissioned or destroyed.
func (c Condition) Stage() Status {
	all := append([]Status{c.Own}, c.Chain...)
	for _, s := range []Status{StatusDestroyed, StatusDecommissioned, StatusDispensed, StatusReturned, StatusInTransit} {
		for _, have := range all {
			if have == s {
				return s
			}
		}
	}
	return StatusActive
}

// CanMove returns nil when the unit may be shipped, packed, dispensed or sold, or an INVALID
// error naming its status.
func (c Condition) CanMove(what string) error {
	if s := c.Effective(); s != StatusActive {
		return Invalid("%s is %s", what, s)
	}
	return nil
}

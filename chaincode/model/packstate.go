package model

// Pack states as EU FMD repositories (EMVS) know them, besides active, dispensed, destroyed,
// recalled and quarantined. A pack state is stored on a unit by unit:SetPackState and reversed
// by unit:UndoPackState (ADR 028).
const (
	StatusLocked     Status = "locked" // a hold by the holder, lifted by an undo at any time
	StatusStolen     Status = "stolen" // final: never undone
	StatusExported   Status = "exported"
	StatusSample     Status = "sample"
	StatusFreeSample Status = "free_sample"
	StatusCheckedOut Status = "checked_out" // taken out of a hospital's stock for its own use
)

// DispositionStolen is CBV's disposition of stolen goods.
const DispositionStolen Disposition = "stolen"

// PackStates lists the pack states, most decisive first.
var PackStates = []Status{StatusStolen, StatusExported, StatusSample, StatusFreeSample, StatusCheckedOut, StatusLocked}

// UndoPackStateDays is how long a pack state other than locked can be undone (EU FMD
// Delegated Regulation 2016/161, article 13: ten days, from the same premises).
const UndoPackStateDays = UndoDispenseDays

// IsPackState reports whether s is one of PackStates.
func (s Status) IsPackState() bool {
	for _, p := range PackStates {
		if s == p {
			return true
		}
	}
	return false
}

// Reversible reports whether a pack state can be undone: every one but stolen.
func (s Status) Reversible() bool { return s.IsPackState() && s != StatusStolen }

// PackStamp is what setting a pack state leaves on a unit: the state, who set it, where and
// when; an undo must come from the same party at the same location.
type PackStamp struct {
	State    Status `json:"state"`
	By       string `json:"by"` // also the submitter of EventID
	At       string `json:"at"`
	Location string `json:"location"` // GLN
	EventID  string `json:"eventId"`
	Reason   string `json:"reason,omitempty"`
}

// PackStateRequest sets a pack state on loose units the caller holds (unit:SetPackState); a
// regulator may also mark any unit stolen. Location is required: an undo must come from it.
type PackStateRequest struct {
	EventHeader
	Codes  []string `json:"codes" validate:"required,min=1,codes"`
	State  Status   `json:"state" validate:"required,oneof=locked stolen exported sample free_sample checked_out"`
	Reason string   `json:"reason,omitempty" validate:"reason"`
}

// UndoPackStateRequest returns units from a reversible pack state to active
// (unit:UndoPackState), at the location the state was set.
type UndoPackStateRequest struct {
	EventHeader
	Codes  []string `json:"codes" validate:"required,min=1,codes"`
	Reason string   `json:"reason,omitempty" validate:"reason"`
}

// ShipmentRequest names shipped items: the sender cancels them before receipt
// (unit:CancelShipment), the receiver refuses them (unit:RefuseShipment).
type ShipmentRequest struct {
	EventHeader
	Codes  []string `json:"codes" validate:"required,min=1,codes"`
	Reason string   `json:"reason,omitempty" validate:"reason"`
}

// RelocateRequest moves items between two of the caller's own locations (unit:Relocate):
// from Location to Destination; the owner does not change.
type RelocateRequest struct {
	EventHeader
	Codes       []string `json:"codes" validate:"required,min=1,codes"`
	Destination string   `json:"destination" validate:"required,gln"`
}

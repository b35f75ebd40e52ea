package model

import (
	"slices"
	"sort"
)

// Recall is a recall started by a regulator or by the manufacturer of the products.
type Recall struct {
	ID     string      `json:"id"` // client-chosen, also the recalling event's ID
	Class  RecallClass `json:"class"`
	Depth  RecallDepth `json:"depth"`
	Reason string      `json:"reason"`
	Scope  RecallScope `json:"scope"` // the scope it started with
	// MoreScopes are the scopes amendments added, in the order they were added.
	MoreScopes  []RecallScope `json:"moreScopes,omitempty"`
	InitiatedBy string        `json:"initiatedBy"`
	StartedAt   string        `json:"startedAt"`
	TxID        string        `json:"txId"`
	// State is where the recall stands: started (also a record kept before states were,
	// with no state), completed by the recalling firm, terminated by a regulator.
	State RecallState `json:"state,omitempty"`
	// History lists each step after the start: amendments, completion, termination.
	History []RecallStep `json:"history,omitempty"`
	// Checks are the regulator's effectiveness checks, one per holder checked.
	Checks []EffectivenessCheck `json:"checks,omitempty"`
	// DraftedAt is when the recall was first written as a draft, if it was.
	DraftedAt string `json:"draftedAt,omitempty"`
	// TargetPercent is the progress at which a regulator may terminate the recall without
	// an override: 0 means 100.
	TargetPercent int `json:"targetPercent,omitempty"`
	// AcknowledgeBy is when every holder in scope must have acknowledged (RFC 3339): the
	// start (or the latest amendment that set it) plus the recall's acknowledgement window.
	AcknowledgeBy string `json:"acknowledgeBy,omitempty"`
}

// Scopes is everything the recall covers: its first scope, then those amendments added.
func (r *Recall) Scopes() []RecallScope {
	return append([]RecallScope{r.Scope}, r.MoreScopes...)
}

// DefaultAcknowledgeHours is the acknowledgement window of a recall that sets none.
const DefaultAcknowledgeHours = 48

// RecallState is a recall's place in its life.
type RecallState string

// Recall states: a draft its initiator prepares (seen only by it and the regulators, nothing
// marked), started, then completed by the recalling firm (its actions are done), then
// terminated by a regulator (the recall is over).
const (
	RecallDraft      RecallState = "draft"
	RecallStarted    RecallState = "started"
	RecallCompleted  RecallState = "completed"
	RecallTerminated RecallState = "terminated"
)

// Current is the state, started for a record without one.
func (r *Recall) Current() RecallState {
	if r.State == "" {
		return RecallStarted
	}
	return r.State
}

// RecallStep is one step of a recall's life after its start.
type RecallStep struct {
	Step   string `json:"step"` // amended, completed, terminated
	By     string `json:"by"`
	At     string `json:"at"`
	TxID   string `json:"txId"`
	Reason string `json:"reason,omitempty"`
	// Changes says what an amendment changed ("class II → I").
	Changes []string `json:"changes,omitempty"`
	// Override is set on a termination a regulator decided before the progress target.
	Override bool `json:"override,omitempty"`
}

// RecallAmendRequest changes a started recall's class or depth, or extends its scope
// (recall:Amend).
type RecallAmendRequest struct {
	RecallID string      `json:"recallId" validate:"required,eventid"`
	Class    RecallClass `json:"class,omitempty" validate:"omitempty,oneof=I II III"`
	Depth    RecallDepth `json:"depth,omitempty" validate:"omitempty,oneof=wholesale retail consumer"`
	Reason   string      `json:"reason" validate:"required,reason"`
	// AddScopes extends the recall: more lots, a DI, more codes.
	AddScopes []RecallScope `json:"addScopes,omitempty" validate:"omitempty,max=20,dive"`
	// AcknowledgeWithinHours sets a new acknowledgement deadline from now, for the holders an
	// extension reaches; 0 keeps the deadline.
	AcknowledgeWithinHours int `json:"acknowledgeWithinHours,omitempty" validate:"omitempty,min=1,max=720"`
	// TargetPercent changes the effectiveness target; 0 keeps it.
	TargetPercent int `json:"targetPercent,omitempty" validate:"omitempty,min=1,max=100"`
}

// MaxAddedScopes is the most scopes one amendment adds.
const MaxAddedScopes = 20

// RecallCloseRequest completes (recall:Complete) or terminates (recall:Terminate) a recall.
// Override lets a regulator terminate a recall whose progress is short of its target, with the
// reason.
type RecallCloseRequest struct {
	RecallID string `json:"recallId" validate:"required,eventid"`
	Reason   string `json:"reason" validate:"required,reason"`
	Override bool   `json:"override,omitempty"`
}

// EffectivenessLevel is how deep a regulator's effectiveness check reaches, as FDA defines
// the levels: A every consignee (100 %), B more than 10 % and less than 100 %, C 10 %, D 2 %,
// E none.
type EffectivenessLevel string

// EffectivenessCheckRequest records one effectiveness check of a holder (recall:Check).
type EffectivenessCheckRequest struct {
	RecallID string             `json:"recallId" validate:"required,eventid"`
	Holder   string             `json:"holder" validate:"required,mspid"`
	Level    EffectivenessLevel `json:"level" validate:"required,oneof=A B C D E"`
	// Effective says whether the holder had received the notice and acted on it.
	Effective bool   `json:"effective"`
	Note      string `json:"note,omitempty" validate:"reason"`
}

// EffectivenessCheck is a recorded effectiveness check.
type EffectivenessCheck struct {
	Holder    string             `json:"holder"`
	Level     EffectivenessLevel `json:"level"`
	Effective bool               `json:"effective"`
	Note      string             `json:"note,omitempty"`
	By        string             `json:"by"`
	At        string             `json:"at"`
	TxID      string             `json:"txId"`
}

// RecallScope is what a recall covers: a lot, a DI, or a list of codes.
type RecallScope struct {
	Type  ScopeType `json:"type" validate:"required,oneof=lot di codes"`
	DI    string    `json:"di,omitempty" validate:"required_if=Type lot,required_if=Type di,max=64"`
	Lot   string    `json:"lot,omitempty" validate:"required_if=Type lot,max=20"`
	Codes []string  `json:"codes,omitempty" validate:"required_if=Type codes,codes"`
}

// Covers reports whether the scope covers a unit or container: di and lot are its product
// and lot (empty for a container), key its code.
func (s RecallScope) Covers(di, lot, key string) bool {
	switch s.Type {
	case ScopeLot:
		return di != "" && di == s.DI && lot == s.Lot
	case ScopeDI:
		return di != "" && di == s.DI
	}
	return key != "" && slices.Contains(s.Codes, key)
}

// AnyCovers reports whether one of scopes covers a unit or container (see Covers).
func AnyCovers(scopes []RecallScope, di, lot, key string) bool {
	return slices.ContainsFunc(scopes, func(s RecallScope) bool { return s.Covers(di, lot, key) })
}

// Validate checks the shape of a scope.
func (s *RecallScope) Validate() error {
	switch s.Type {
	case ScopeLot:
		if s.DI == "" || s.Lot == "" {
			return Invalid("a lot recall needs di and lot")
		}
	case ScopeDI:
		if s.DI == "" {
			return Invalid("a di recall needs di")
		}
	case ScopeCodes:
		if len(s.Codes) == 0 || len(s.Codes) > MaxRecallCodes {
			return Invalid("a codes recall needs 1 to %d codes", MaxRecallCodes)
		}
	default:
		return Invalid("recall scope type must be lot, di or codes, got %q", s.Type)
	}
	return nil
}

// MaxRecallCodes is the largest list of codes one recall names.
const MaxRecallCodes = MaxEventCodes

// RecallRequest starts a recall (recall:Start).
type RecallRequest struct {
	ID     string      `json:"id" validate:"omitempty,eventid"` // also its event ID
	Class  RecallClass `json:"class" validate:"required,oneof=I II III"`
	Depth  RecallDepth `json:"depth" validate:"required,oneof=wholesale retail consumer"`
	Reason string      `json:"reason" validate:"required,reason"`
	Scope  RecallScope `json:"scope"`
	// AcknowledgeWithinHours is how long holders have to acknowledge; 0 means
	// DefaultAcknowledgeHours.
	AcknowledgeWithinHours int `json:"acknowledgeWithinHours,omitempty" validate:"omitempty,min=1,max=720"`
	// TargetPercent is the effectiveness target: the progress at which the recall may be
	// terminated without an override (0: 100 %).
	TargetPercent int `json:"targetPercent,omitempty" validate:"omitempty,min=1,max=100"`
	// Draft writes the recall as a draft: checked, kept under its ID for its initiator and the
	// regulators, nothing marked and nobody notified; the same request without Draft starts it.
	Draft bool `json:"draft,omitempty"`
}

// Target is the effectiveness target in percent.
func (r *Recall) Target() int {
	if r.TargetPercent == 0 {
		return 100
	}
	return r.TargetPercent
}

// TargetMet reports whether done of required reach the target.
func (r *Recall) TargetMet(done, required int) bool {
	return done*100 >= r.Target()*required
}

// Validate checks the shape of a recall request.
func (r *RecallRequest) Validate() error {
	if r.ID == "" || r.Reason == "" {
		return Invalid("recall id and reason are required")
	}
	switch r.Class {
	case RecallClassI, RecallClassII, RecallClassIII:
	default:
		return Invalid("recall class must be I, II or III, got %q", r.Class)
	}
	switch r.Depth {
	case DepthWholesale, DepthRetail, DepthConsumer:
	default:
		return Invalid("recall depth must be wholesale, retail or consumer, got %q", r.Depth)
	}
	if r.TargetPercent < 0 || r.TargetPercent > 100 {
		return Invalid("targetPercent must be 1 to 100 (0: 100), got %d", r.TargetPercent)
	}
	if r.AcknowledgeWithinHours < 0 || r.AcknowledgeWithinHours > 720 {
		return Invalid("acknowledgeWithinHours must be 1 to 720 (0: %d), got %d", DefaultAcknowledgeHours, r.AcknowledgeWithinHours)
	}
	return r.Scope.Validate()
}

// AckRequest acknowledges a recall on behalf of the caller's organisation (recall:Acknowledge).
type AckRequest struct {
	RecallID string `json:"recallId" validate:"required,eventid"`
	Note     string `json:"note,omitempty" validate:"reason"`
}

// Acknowledgement is a holder's acknowledgement of a recall.
type Acknowledgement struct {
	RecallID string `json:"recallId"`
	MSPID    string `json:"mspId"`
	Note     string `json:"note,omitempty"`
	At       string `json:"at"`
	TxID     string `json:"txId"`
}

// StageCounts counts units by where they are.
type StageCounts struct {
	Total          int `json:"total"`
	InStock        int `json:"inStock"`
	InTransit      int `json:"inTransit"`
	Dispensed      int `json:"dispensed"`
	Returned       int `json:"returned"`
	Destroyed      int `json:"destroyed"`
	Decommissioned int `json:"decommissioned"`
	Quarantined    int `json:"quarantined"` // of those in stock or in transit
	// Reworked are units re-worked under the recall (unit:Rework), wherever they are now.
	Reworked int `json:"reworked"`
}

// Plus adds two counts, as units and lot-level quantities add up in a recall's progress.
func (c StageCounts) Plus(o StageCounts) StageCounts {
	return StageCounts{Total: c.Total + o.Total, InStock: c.InStock + o.InStock, InTransit: c.InTransit + o.InTransit,
		Dispensed: c.Dispensed + o.Dispensed, Returned: c.Returned + o.Returned, Destroyed: c.Destroyed + o.Destroyed,
		Decommissioned: c.Decommissioned + o.Decommissioned, Quarantined: c.Quarantined + o.Quarantined, Reworked: c.Reworked + o.Reworked}
}

// Add counts one unit of stage; quarantined marks a quarantined unit.
func (c *StageCounts) Add(stage Status, quarantined bool) {
	c.Total++
	switch stage {
	case StatusInTransit:
		c.InTransit++
	case StatusDispensed:
		c.Dispensed++
	case StatusReturned:
		c.Returned++
	case StatusDestroyed:
		c.Destroyed++
	case StatusDecommissioned:
		c.Decommissioned++
	case StatusReworked:
		c.Reworked++
	default:
		c.InStock++
	}
	if quarantined && (stage == StatusActive || stage == StatusInTransit) {
		c.Quarantined++
	}
}

// ScopeUnit is one affected unit in a recall scope.
type ScopeUnit struct {
	Code   string `json:"code"`
	Stage  Status `json:"stage"`
	Status Status `json:"status"`
	// At, EventID and EventBy are the unit's last change: for a returned or destroyed unit,
	// when and by which event it came back or was destroyed.
	At      string `json:"at,omitempty"`
	EventID string `json:"eventId,omitempty"`
	EventBy string `json:"eventBy,omitempty"`
}

// HolderScope is what one holder has of a recall's units.
type HolderScope struct {
	Holder       string         `json:"holder"`
	Counts       StageCounts    `json:"counts"`
	ByStatus     map[Status]int `json:"byStatus"` // effective status -> units
	Acknowledged bool           `json:"acknowledged"`
	// Level is the holder's level of distribution (wholesale or retail); InDepth says
	// whether the recall's depth reaches it.
	Level   RecallLevel `json:"level"`
	InDepth bool        `json:"inDepth"`
	// Required and Done are the holder's part of the recall's progress: its units the depth
	// reaches (those in transit at their receiver's level) and those that came back.
	Required int `json:"required"`
	Done     int `json:"done"`
	// Overdue is set when a holder the recall reaches has not acknowledged and the recall's
	// AcknowledgeBy has passed.
	Overdue bool        `json:"overdue,omitempty"`
	Units   []ScopeUnit `json:"units,omitempty"`
	// Quantities counts the holder's lot-level quantities (no serials) in the scope: in
	// stock, in transit (sent, deliveries and returns), returned to it, destroyed and
	// decommissioned by it.
	Quantities StageCounts `json:"quantities"`
}

// RecallStatus is the scope and progress of a recall (recall:Scope).
type RecallStatus struct {
	Recall           Recall            `json:"recall"`
	Counts           StageCounts       `json:"counts"`
	ByLevel          LevelCounts       `json:"byLevel"` // the same units by level of distribution
	Holders          []HolderScope     `json:"holders"`
	Acknowledgements []Acknowledgement `json:"acknowledgements"`
	Required         int               `json:"required"` // units the depth reaches, and those back
	Done             int               `json:"done"`     // returned, destroyed or re-worked
	Progress         float64           `json:"progress"` // Done / Required, 1 when nothing is required
	// Stock is where the lot's lot-controlled quantities (no serials) are, for a recall whose
	// first lot scope it is; MoreStock the same for each further lot scope.
	Stock     *StockView  `json:"stock,omitempty"`
	MoreStock []StockView `json:"moreStock,omitempty"`
	// Quantities counts the lot-level quantities (no serials) of the recall's lot and DI
	// scopes, as HolderScope.Quantities does for one holder; Required, Done and Progress
	// count them with the units.
	Quantities StageCounts `json:"quantities"`
}

// SortHolders orders holder rows by MSP ID.
func SortHolders(h []HolderScope) {
	sort.Slice(h, func(i, j int) bool { return h[i].Holder < h[j].Holder })
}

// RecallDispensed lists the units of a recall's scope one dispenser dispensed, with the
// patient and prescription references of its own private records (recall:Dispensed).
type RecallDispensed struct {
	RecallID  string      `json:"recallId"`
	Depth     RecallDepth `json:"depth"`
	Dispenser string      `json:"dispenser"`
	// PatientContact says whether the recall's depth (consumer) requires the dispenser to
	// reach the patients.
	PatientContact bool            `json:"patientContact"`
	Units          []DispensedUnit `json:"units"`
}

// DispensedUnit is one dispensed unit of a recall's scope.
type DispensedUnit struct {
	Code            string `json:"code"`
	EventID         string `json:"eventId"` // the dispense
	At              string `json:"at"`
	PatientRef      string `json:"patientRef,omitempty"`
	PrescriptionRef string `json:"prescriptionRef,omitempty"`
	// Erased is set when the dispense's private record is erased or expired: the references
	// are gone.
	Erased bool `json:"erased,omitempty"`
}

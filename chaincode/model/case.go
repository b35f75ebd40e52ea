package model

// CaseState is where a case is in its investigation.
type CaseState string

// Case states: open → investigating → closed.
const (
	CaseOpen          CaseState = "open"
	CaseInvestigating CaseState = "investigating"
	CaseClosed        CaseState = "closed"
)

// Resolution is how a closed case ended.
type Resolution string

// Resolutions.
const (
	ResolutionConfirmed     Resolution = "confirmed"
	ResolutionFalsePositive Resolution = "false_positive"
)

// NotifyWithin is how long after opening a case about suspect or illegitimate product its
// regulator must be notified (DSCSA and NMPA: 24 hours), in hours.
const NotifyWithin = 24

// Case is the investigation alerts of one kind about one code open (ADR 027).
type Case struct {
	ID         string       `json:"id"`
	Kind       AlertKind    `json:"kind"`
	State      CaseState    `json:"state"`
	Owner      string       `json:"owner,omitempty"` // the product's manufacturer, or a regulator that took it
	DI         string       `json:"di,omitempty"`
	Lot        string       `json:"lot,omitempty"`
	Codes      []string     `json:"codes"`
	Alerts     []CaseLink   `json:"alerts"` // the alerts (and their events) the case gathers
	Notes      []CaseNote   `json:"notes,omitempty"`
	OpenedAt   string       `json:"openedAt"`
	ClosedAt   string       `json:"closedAt,omitempty"`
	Resolution Resolution   `json:"resolution,omitempty"`
	Reason     string       `json:"reason,omitempty"`
	NotifiedAt string       `json:"notifiedAt,omitempty"`
	Notice     *CaseNotice  `json:"notice,omitempty"`
	Overdue    bool         `json:"overdue,omitempty"` // computed at read time
	History    []CaseChange `json:"history"`
}

// CaseLink names an alert of a case: the event that raised it and its reporter.
type CaseLink struct {
	EventID  string `json:"eventId"`
	Party    string `json:"party"`
	Location string `json:"location,omitempty"`
	Time     string `json:"time"`
}

// CaseNote is a remark written on a case.
type CaseNote struct {
	By   string `json:"by"`
	At   string `json:"at"`
	Text string `json:"text"`
}

// CaseChange is one step of a case: who did what, when, in which transaction.
type CaseChange struct {
	Action string `json:"action"` // opened, taken, investigating, closed
	By     string `json:"by"`
	At     string `json:"at"`
	TxID   string `json:"txId"`
}

// CaseNotice is the notification to the regulator of a confirmed suspect or illegitimate
// product: the facts it must hold.
type CaseNotice struct {
	DI        string   `json:"di,omitempty"`
	Lot       string   `json:"lot,omitempty"`
	Codes     []string `json:"codes"`
	Locations []string `json:"locations,omitempty"` // where it was found (GLNs of the alerts)
	Finders   []string `json:"finders"`             // who found it
	Reason    string   `json:"reason"`
}

// NeedsNotice reports whether a case is about suspect or illegitimate product, which the
// regulator must be told of.
func (c *Case) NeedsNotice() bool {
	return c.Kind == AlertCounterfeit || c.Kind == AlertClone
}

// CaseRequest names a case, with an optional note (take, investigate) or the note itself.
type CaseRequest struct {
	CaseID string `json:"caseId" validate:"required,eventid"`
	Note   string `json:"note,omitempty" validate:"reason"`
}

// CloseCaseRequest closes a case.
type CloseCaseRequest struct {
	CaseID     string     `json:"caseId" validate:"required,eventid"`
	Resolution Resolution `json:"resolution" validate:"required,oneof=confirmed false_positive"`
	Reason     string     `json:"reason" validate:"required,reason"`
}

// CaseQuery asks one case.
type CaseQuery struct {
	CaseID string `json:"caseId" validate:"required,eventid"`
}

// CaseListQuery asks the cases the caller may see, optionally in one state.
type CaseListQuery struct {
	State CaseState `json:"state,omitempty" validate:"omitempty,oneof=open investigating closed"`
	PageQuery
}

// CasePage is a page of cases.
type CasePage struct {
	Page
	Cases []Case `json:"cases"`
}

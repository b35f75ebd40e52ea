package model

// ScanAction is what a scanner station records of one scan; each is one single transaction.
type ScanAction string

// Scan actions that write, and the transaction each stands for.
const (
	ScanInspect      ScanAction = "inspect"      // unit:Inspect
	ScanReceive      ScanAction = "receive"      // unit:Receive
	ScanShip         ScanAction = "ship"         // unit:Ship
	ScanReturn       ScanAction = "return"       // unit:Return
	ScanDestroy      ScanAction = "destroy"      // unit:Destroy
	ScanDecommission ScanAction = "decommission" // unit:Decommission
)

// MaxScanBatch bounds the scans of one unit:Scans transaction; together they name at most
// MaxEventCodes codes, as one event does.
const MaxScanBatch = 1000

// ScanBatchRequest records a station's scans in one transaction (unit:Scans), in the order
// sent. Each scan carries the request of its single transaction, which runs as it would on
// its own: its event ID, its replay, its rules. If any scan is refused the transaction is.
type ScanBatchRequest struct {
	Scans []Scan `json:"scans" validate:"required,min=1,max=1000,dive"`
}

// Scan is one scan of a batch: its action and the request of that action, the one field
// the action names (Destroy and Decommission take a DisposeRequest each).
type Scan struct {
	Action       ScanAction      `json:"action"`
	Inspect      *InspectRequest `json:"inspect,omitempty"`
	Receive      *ReceiveRequest `json:"receive,omitempty"`
	Ship         *ShipRequest    `json:"ship,omitempty"`
	Return       *ReturnRequest  `json:"return,omitempty"`
	Destroy      *DisposeRequest `json:"destroy,omitempty"`
	Decommission *DisposeRequest `json:"decommission,omitempty"`
}

// ScanBatchResult answers unit:Scans: one result per scan, in the order sent, each what its
// single transaction answers (Replayed when its event ID was already recorded).
type ScanBatchResult struct {
	Results []ScanResult `json:"results"`
}

// ScanResult is one scan's answer: Inspect for an inspection, Event for the other actions.
type ScanResult struct {
	Action  ScanAction     `json:"action"`
	Event   *EventResult   `json:"event,omitempty"`
	Inspect *InspectResult `json:"inspect,omitempty"`
}

// NoticesKind is the Kind of the Notification of a transaction that recorded several events
// (unit:Scans): Events lists their notifications, without the Actor, Time and TxID they share
// with it.
const NoticesKind = "events"

// Notices are the notifications n stands for: the listed ones of a NoticesKind
// notification, each with the transaction's Actor, Time and TxID, else n itself.
func (n Notification) Notices() []Notification {
	if n.Kind != NoticesKind {
		return []Notification{n}
	}
	out := make([]Notification, len(n.Events))
	for i, e := range n.Events {
		e.Actor, e.Time, e.TxID = n.Actor, n.Time, n.TxID
		out[i] = e
	}
	return out
}

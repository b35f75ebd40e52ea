package model

// The arguments of the read-only operations. Each query's fields, in order, are the chaincode
// function's parameters (package ops encodes them); the json names are the REST gateway's
// path and query parameters.

// PageQuery is the paging part of every list query: PageSize 0 means DefaultPageSize.
type PageQuery struct {
	PageSize int    `json:"pageSize,omitempty" validate:"gte=0,pagesize"`
	Bookmark string `json:"bookmark,omitempty" validate:"max=2048"`
}

// NoQuery is the argument of an operation that takes none.
type NoQuery struct{}

// CodeQuery names one code in any accepted form.
type CodeQuery struct {
	Code string `json:"code" validate:"required,max=512"`
}

// EventIDQuery names one event. Event IDs are per submitter (ADR 015): By, the submitter's
// MSP ID, picks one when several organisations used the ID; without it the caller's own
// event is meant, else the one event under the ID the caller may see.
type EventIDQuery struct {
	EventID string `json:"eventId" validate:"required,eventid"`
	By      string `json:"by,omitempty" validate:"omitempty,mspid"`
}

// PartyQuery names one party by MSP ID.
type PartyQuery struct {
	MSPID string `json:"mspId" validate:"required,mspid"`
}

// ProductQuery names one product by DI.
type ProductQuery struct {
	DI string `json:"di" validate:"required,max=64"`
}

// LotQuery names one lot.
type LotQuery struct {
	DI  string `json:"di" validate:"required,max=64"`
	Lot string `json:"lot" validate:"required,max=20"`
}

// LotListQuery lists lots, of one product when DI is set.
type LotListQuery struct {
	DI string `json:"di,omitempty" validate:"max=64"`
	PageQuery
}

// HolderQuery lists what one party holds.
type HolderQuery struct {
	MSPID string `json:"mspId" validate:"required,mspid"`
	PageQuery
}

// TimeQuery lists events recorded in [From, To) (RFC 3339; empty means open).
type TimeQuery struct {
	From string `json:"from,omitempty" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00"`
	To   string `json:"to,omitempty" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00"`
	PageQuery
}

// IndexQuery asks for the events with one value of an event index, recorded from From
// (inclusive) to To (exclusive), in record-time order (query:EventsByIndex).
type IndexQuery struct {
	Index string `json:"index" validate:"required,oneof=type bizStep location code"`
	Value string `json:"value" validate:"required,max=512"`
	From  string `json:"from,omitempty" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00"`
	To    string `json:"to,omitempty" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00"`
	PageQuery
}

// The event indexes (ADR 019).
const (
	IndexType     = "type"     // event type
	IndexBizStep  = "bizStep"  // bare CBV name or URI
	IndexLocation = "location" // GLN of the readPoint or bizLocation
	IndexCode     = "code"     // canonical key (or URI) of a code an observation names
)

// EventIndexes are the indexes an event query may read.
var EventIndexes = []string{IndexType, IndexBizStep, IndexLocation, IndexCode}

// LicenceQuery lists licences that expire within Days.
type LicenceQuery struct {
	Days int `json:"days,omitempty" validate:"gte=0,lte=3650" default:"30"`
}

// RecallQuery names one recall.
type RecallQuery struct {
	RecallID string `json:"recallId" validate:"required,eventid"`
}

// ScopeQuery asks a recall's scope; Units lists every affected unit besides the counts.
type ScopeQuery struct {
	RecallID string `json:"recallId" validate:"required,eventid"`
	Units    bool   `json:"units,omitempty"`
}

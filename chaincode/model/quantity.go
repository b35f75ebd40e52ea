package model

// QuantityElement is an EPCIS quantityList entry: an amount of a lot-controlled item (a DI and
// a lot, no serial). In requests Code is any lot-level code form ("(01)<gtin>(10)<lot>"); in
// events it is the canonical key. From names the sender in a receive request.
type QuantityElement struct {
	Code     string `json:"code" validate:"required,code"`
	Quantity int    `json:"quantity" validate:"gt=0"`
	From     string `json:"from,omitempty" validate:"omitempty,mspid"`
}

// Stock is a quantity of one lot-controlled item held by one party, or on its way from one
// party to another.
type Stock struct {
	Key      string `json:"key"` // lot-level canonical key
	DI       string `json:"di"`
	Lot      string `json:"lot"`
	Holder   string `json:"holder"`
	From     string `json:"from,omitempty"` // set while in transit
	Quantity int    `json:"quantity"`
	// RecallIDs are the recalls a return in transit goes back under.
	RecallIDs []string `json:"recallIds,omitempty"`
}

// StockView is where the quantity of one lot-controlled item is (query:Stock): in stock, in
// transit as deliveries (InTransit) or as returns (Returning), returned to and held by its
// receiver, destroyed and decommissioned, per holder (and sender).
type StockView struct {
	Key            string  `json:"key"`
	InStock        []Stock `json:"inStock"`
	InTransit      []Stock `json:"inTransit"`
	Returning      []Stock `json:"returning"`
	Returned       []Stock `json:"returned"`
	Destroyed      []Stock `json:"destroyed"`
	Decommissioned []Stock `json:"decommissioned"`
}

// MaxQuantity bounds one quantity element.
const MaxQuantity = 1_000_000_000

// StockState is where a party's lot-level quantity stands, from that party's side.
type StockState string

// The states of query:StockByHolder. A shipment or return on its way is a line for both ends:
// "out" for the sender, "in" for the receiver.
const (
	StockInStock        StockState = "in_stock"
	StockInTransitOut   StockState = "in_transit_out"
	StockInTransitIn    StockState = "in_transit_in"
	StockReturningOut   StockState = "returning_out"
	StockReturningIn    StockState = "returning_in"
	StockReturned       StockState = "returned"
	StockDestroyed      StockState = "destroyed"
	StockDecommissioned StockState = "decommissioned"
)

// LotStock is one line of a party's lot-level stock: a quantity of one lot in one state,
// with the other party while on its way.
type LotStock struct {
	Key          string     `json:"key"` // lot-level canonical key
	DI           string     `json:"di"`
	Lot          string     `json:"lot"`
	State        StockState `json:"state"`
	Quantity     int        `json:"quantity"`
	Counterparty string     `json:"counterparty,omitempty"`
}

// LotStockPage is a page of a party's lot-level stock, by product, lot and state.
type LotStockPage struct {
	Page
	Holder string     `json:"holder"`
	Stock  []LotStock `json:"stock"`
}

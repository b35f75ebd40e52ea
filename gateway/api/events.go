package api

import (
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/auth"
)

// Request bodies of EPCIS events, in the gateway's simple JSON. Every body may carry its
// eventId; without one the Idempotency-Key header (or, failing that, a random UUID) gives it.

type quantityBody struct {
	Code     string `json:"code" validate:"required,code"`
	Quantity int    `json:"quantity" validate:"gt=0"`
	From     string `json:"from,omitempty" validate:"max=128"`
}

type bizTransactionBody struct {
	Type  model.BizTransactionType `json:"type" validate:"required,max=64"`
	Value string                   `json:"bizTransaction" validate:"required,max=256"`
}

func quantities(qs []quantityBody) []model.QuantityElement {
	var out []model.QuantityElement
	for _, q := range qs {
		out = append(out, model.QuantityElement(q))
	}
	return out
}

func bizTransactions(bs []bizTransactionBody) []model.BizTransaction {
	var out []model.BizTransaction
	for _, b := range bs {
		out = append(out, model.BizTransaction(b))
	}
	return out
}

type commissionBody struct {
	EventID   string   `json:"eventId,omitempty" validate:"max=200"`
	EventTime string   `json:"eventTime,omitempty" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00"`
	DI        string   `json:"di" validate:"required,max=64,printascii"`
	Lot       string   `json:"lot" validate:"required,max=20"`
	Codes     []string `json:"codes,omitempty" validate:"required_without=Quantity,max=10000,dive,code"`
	Quantity  int      `json:"quantity,omitempty" validate:"gte=0,lte=100000000"`
	Location  string   `json:"location,omitempty" validate:"omitempty,gln"`
}

func (b *commissionBody) id() *string { return &b.EventID }
func (b *commissionBody) request() any {
	return model.CommissionRequest{EventID: b.EventID, EventTime: b.EventTime, DI: b.DI, Lot: b.Lot, Codes: b.Codes, Quantity: b.Quantity, Location: b.Location}
}

type packBody struct {
	EventID   string   `json:"eventId,omitempty" validate:"max=200"`
	EventTime string   `json:"eventTime,omitempty" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00"`
	Parent    string   `json:"parent" validate:"required,code"`
	Children  []string `json:"children" validate:"required,min=1,max=10000,dive,code"`
	Location  string   `json:"location,omitempty" validate:"omitempty,gln"`
}

func (b *packBody) id() *string  { return &b.EventID }
func (b *packBody) request() any { return model.PackRequest(*b) }

type unpackBody struct {
	EventID   string   `json:"eventId,omitempty" validate:"max=200"`
	EventTime string   `json:"eventTime,omitempty" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00"`
	Parent    string   `json:"parent" validate:"required,code"`
	Children  []string `json:"children,omitempty" validate:"max=10000,dive,code"`
	Location  string   `json:"location,omitempty" validate:"omitempty,gln"`
}

func (b *unpackBody) id() *string  { return &b.EventID }
func (b *unpackBody) request() any { return model.UnpackRequest(*b) }

type shipBody struct {
	EventID         string               `json:"eventId,omitempty" validate:"max=200"`
	EventTime       string               `json:"eventTime,omitempty" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00"`
	To              string               `json:"to" validate:"required,max=128"`
	Codes           []string             `json:"codes,omitempty" validate:"required_without=Quantities,max=10000,dive,code"`
	Quantities      []quantityBody       `json:"quantities,omitempty" validate:"max=1000,dive"`
	Location        string               `json:"location,omitempty" validate:"omitempty,gln"`
	Destination     string               `json:"destination,omitempty" validate:"omitempty,gln"`
	BizTransactions []bizTransactionBody `json:"bizTransactions,omitempty" validate:"max=50,dive"`
}

func (b *shipBody) id() *string { return &b.EventID }
func (b *shipBody) request() any {
	return model.ShipRequest{EventID: b.EventID, EventTime: b.EventTime, To: b.To, Codes: b.Codes, Quantities: quantities(b.Quantities),
		Location: b.Location, Destination: b.Destination, BizTransactions: bizTransactions(b.BizTransactions)}
}

type receiveBody struct {
	EventID         string               `json:"eventId,omitempty" validate:"max=200"`
	EventTime       string               `json:"eventTime,omitempty" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00"`
	Codes           []string             `json:"codes,omitempty" validate:"required_without=Quantities,max=10000,dive,code"`
	Quantities      []quantityBody       `json:"quantities,omitempty" validate:"max=1000,dive"`
	Location        string               `json:"location,omitempty" validate:"omitempty,gln"`
	BizTransactions []bizTransactionBody `json:"bizTransactions,omitempty" validate:"max=50,dive"`
}

func (b *receiveBody) id() *string { return &b.EventID }
func (b *receiveBody) request() any {
	return model.ReceiveRequest{EventID: b.EventID, EventTime: b.EventTime, Codes: b.Codes, Quantities: quantities(b.Quantities),
		Location: b.Location, BizTransactions: bizTransactions(b.BizTransactions)}
}

// dispenseBody takes the patient and prescription references beside the public fields; they
// leave the gateway only in the transient map.
type dispenseBody struct {
	EventID         string         `json:"eventId,omitempty" validate:"max=200"`
	EventTime       string         `json:"eventTime,omitempty" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00"`
	Codes           []string       `json:"codes,omitempty" validate:"required_without=Quantities,max=10000,dive,code"`
	Quantities      []quantityBody `json:"quantities,omitempty" validate:"max=1000,dive"`
	Location        string         `json:"location,omitempty" validate:"omitempty,gln"`
	PatientRef      string         `json:"patientRef" validate:"required,max=256"`
	PrescriptionRef string         `json:"prescriptionRef,omitempty" validate:"max=256"`
	Salt            string         `json:"salt,omitempty" validate:"omitempty,min=16,max=256"`
}

func (b *dispenseBody) id() *string { return &b.EventID }
func (b *dispenseBody) request() any {
	return model.DispenseRequest{EventID: b.EventID, EventTime: b.EventTime, Codes: b.Codes, Quantities: quantities(b.Quantities), Location: b.Location}
}

type undoDispenseBody struct {
	EventID   string   `json:"eventId,omitempty" validate:"max=200"`
	EventTime string   `json:"eventTime,omitempty" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00"`
	Codes     []string `json:"codes" validate:"required,min=1,max=10000,dive,code"`
	Reason    string   `json:"reason,omitempty" validate:"max=500"`
	Location  string   `json:"location,omitempty" validate:"omitempty,gln"`
}

func (b *undoDispenseBody) id() *string  { return &b.EventID }
func (b *undoDispenseBody) request() any { return model.UndoDispenseRequest(*b) }

type returnBody struct {
	EventID   string   `json:"eventId,omitempty" validate:"max=200"`
	EventTime string   `json:"eventTime,omitempty" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00"`
	Codes     []string `json:"codes" validate:"required,min=1,max=10000,dive,code"`
	To        string   `json:"to,omitempty" validate:"max=128"`
	RecallID  string   `json:"recallId,omitempty" validate:"max=200"`
	Reason    string   `json:"reason,omitempty" validate:"max=500"`
	Location  string   `json:"location,omitempty" validate:"omitempty,gln"`
}

func (b *returnBody) id() *string  { return &b.EventID }
func (b *returnBody) request() any { return model.ReturnRequest(*b) }

// disposeBody serves decommission, destroy and release.
type disposeBody struct {
	EventID   string   `json:"eventId,omitempty" validate:"max=200"`
	EventTime string   `json:"eventTime,omitempty" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00"`
	Codes     []string `json:"codes" validate:"required,min=1,max=10000,dive,code"`
	Reason    string   `json:"reason" validate:"required,max=500"`
	Location  string   `json:"location,omitempty" validate:"omitempty,gln"`
}

func (b *disposeBody) id() *string  { return &b.EventID }
func (b *disposeBody) request() any { return model.DisposeRequest(*b) }

type sensorReportBody struct {
	Type  string  `json:"type" validate:"required,max=64"`
	Value float64 `json:"value"`
	UOM   string  `json:"uom,omitempty" validate:"max=8"`
	Time  string  `json:"time,omitempty" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00"`
}

type sensorElementBody struct {
	DeviceID string             `json:"deviceID,omitempty" validate:"max=256"`
	Reports  []sensorReportBody `json:"sensorReport" validate:"required,min=1,max=1000,dive"`
}

type sensorBody struct {
	EventID           string              `json:"eventId,omitempty" validate:"max=200"`
	EventTime         string              `json:"eventTime,omitempty" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00"`
	Codes             []string            `json:"codes" validate:"required,min=1,max=10000,dive,code"`
	Location          string              `json:"location,omitempty" validate:"omitempty,gln"`
	SensorElementList []sensorElementBody `json:"sensorElementList" validate:"required,min=1,max=100,dive"`
}

func (b *sensorBody) id() *string { return &b.EventID }
func (b *sensorBody) request() any {
	req := model.SensorRequest{EventID: b.EventID, EventTime: b.EventTime, Codes: b.Codes, Location: b.Location}
	for _, se := range b.SensorElementList {
		el := model.SensorElement{DeviceID: se.DeviceID}
		for _, r := range se.Reports {
			el.Reports = append(el.Reports, model.SensorReport(r))
		}
		req.SensorElementList = append(req.SensorElementList, el)
	}
	return req
}

type inspectBody struct {
	EventID   string `json:"eventId,omitempty" validate:"max=200"`
	EventTime string `json:"eventTime,omitempty" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00"`
	Code      string `json:"code" validate:"required,max=512"` // unparseable codes are recorded too
	Location  string `json:"location,omitempty" validate:"omitempty,gln"`
}

func (b *inspectBody) id() *string  { return &b.EventID }
func (b *inspectBody) request() any { return model.InspectRequest(*b) }

// eventBody is the request body of one event route.
type eventBody interface {
	id() *string
	request() any
}

// eventRoute serves one event transaction: decode, check, give the event its ID, submit.
func (s *server) eventRoute(fn string, newBody func() eventBody) gin.HandlerFunc {
	return func(c *gin.Context) {
		b := newBody()
		if !s.bindJSON(c, b) {
			return
		}
		id, ok := eventID(c, *b.id(), "")
		if !ok {
			return
		}
		*b.id() = id
		s.recordEvent(c, write{fn: fn, arg: b.request(), id: id})
	}
}

// dispense passes the patient and prescription references in the transient map only; a
// salt the client does not give is derived so that a retry hashes the same.
func (s *server) dispense(c *gin.Context) {
	var b dispenseBody
	if !s.bindJSON(c, &b) {
		return
	}
	id, ok := eventID(c, b.EventID, "")
	if !ok {
		return
	}
	b.EventID = id
	salt := b.Salt
	if salt == "" {
		salt = dispenseSalt(auth.PrincipalOf(c), id)
	}
	priv, err := json.Marshal(model.DispensePrivate{PatientRef: b.PatientRef, PrescriptionRef: b.PrescriptionRef, Salt: salt})
	if err != nil {
		s.ledger.fail(c, err)
		return
	}
	s.recordEvent(c, write{fn: "unit:Dispense", arg: b.request(), id: id,
		transient: map[string][]byte{model.TransientDispense: priv}})
}

// recordEvent submits an event and answers with its EventResult: 201, or 200 for a retry.
func (s *server) recordEvent(c *gin.Context, w write) {
	res, ok := s.ledger.submit(c, w)
	if !ok {
		return
	}
	var r struct {
		Replayed bool `json:"replayed"`
	}
	_ = json.Unmarshal(res.Payload, &r)
	created(c, r.Replayed, "/v1/events/"+url.PathEscape(w.id), res.Payload)
}

func (s *server) getEvent(c *gin.Context) {
	if out, ok := s.ledger.evaluate(c, "query:Event", c.Param("id")); ok {
		raw(c, http.StatusOK, out)
	}
}

func (s *server) dispenseDetails(c *gin.Context) {
	if out, ok := s.ledger.evaluate(c, "unit:DispenseDetails", c.Param("id")); ok {
		raw(c, http.StatusOK, out)
	}
}

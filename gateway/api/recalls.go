package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/problem"
)

type recallScopeBody struct {
	Type  model.ScopeType `json:"type" validate:"required,oneof=lot di codes"`
	DI    string          `json:"di,omitempty" validate:"required_if=Type lot,required_if=Type di,max=64"`
	Lot   string          `json:"lot,omitempty" validate:"required_if=Type lot,max=20"`
	Codes []string        `json:"codes,omitempty" validate:"required_if=Type codes,max=10000,dive,code"`
}

// recallBody starts a recall (recall:Start). Its id is also its event ID: without one, the
// Idempotency-Key header (or a random UUID) gives it.
type recallBody struct {
	ID     string            `json:"id,omitempty" validate:"max=200"`
	Class  model.RecallClass `json:"class" validate:"required,oneof=I II III"`
	Depth  model.RecallDepth `json:"depth" validate:"required,oneof=wholesale retail consumer"`
	Reason string            `json:"reason" validate:"required,max=1000"`
	Scope  recallScopeBody   `json:"scope"`
}

type ackBody struct {
	Note string `json:"note,omitempty" validate:"max=1000"`
}

func (s *server) startRecall(c *gin.Context) {
	var b recallBody
	if !s.bindJSON(c, &b) {
		return
	}
	id, ok := eventID(c, b.ID, "")
	if !ok {
		return
	}
	req := model.RecallRequest{ID: id, Class: b.Class, Depth: b.Depth, Reason: b.Reason,
		Scope: model.RecallScope{Type: b.Scope.Type, DI: b.Scope.DI, Lot: b.Scope.Lot, Codes: b.Scope.Codes}}
	res, ok := s.ledger.submit(c, write{fn: "recall:Start", arg: req, id: id})
	if !ok {
		return
	}
	// A retried recall returns the recall as first recorded, with the first transaction's ID.
	var r model.Recall
	_ = json.Unmarshal(res.Payload, &r)
	created(c, r.TxID != "" && r.TxID != res.TxID, "/v1/recalls/"+url.PathEscape(id), res.Payload)
}

func (s *server) getRecall(c *gin.Context) {
	if out, ok := s.ledger.evaluate(c, "recall:Get", c.Param("id")); ok {
		raw(c, http.StatusOK, out)
	}
}

func (s *server) acknowledgeRecall(c *gin.Context) {
	var b ackBody
	if c.Request.ContentLength != 0 && !s.bindJSON(c, &b) {
		return
	}
	req := model.AckRequest{RecallID: c.Param("id"), Note: b.Note}
	res, ok := s.ledger.submit(c, write{fn: "recall:Acknowledge", arg: req, id: "ack:" + req.RecallID})
	if !ok {
		return
	}
	var a model.Acknowledgement
	_ = json.Unmarshal(res.Payload, &a)
	created(c, a.TxID != "" && a.TxID != res.TxID, "", res.Payload)
}

// recallScope answers every affected unit grouped by holder (?units=true lists the units).
func (s *server) recallScope(c *gin.Context) {
	units := c.DefaultQuery("units", "false")
	if _, err := strconv.ParseBool(units); err != nil {
		problem.Write(c, validationProblem([]problem.FieldError{{Field: "units", Reason: "must be true or false"}}))
		return
	}
	b, _ := strconv.ParseBool(units)
	if out, ok := s.ledger.evaluate(c, "recall:Scope", c.Param("id"), strconv.FormatBool(b)); ok {
		raw(c, http.StatusOK, out)
	}
}

// recallProgress is the short answer to "how far is this recall?".
type recallProgress struct {
	RecallID     string            `json:"recallId"`
	Class        model.RecallClass `json:"class"`
	Depth        model.RecallDepth `json:"depth"`
	StartedAt    string            `json:"startedAt"`
	Required     int               `json:"required"`
	Done         int               `json:"done"`
	Progress     float64           `json:"progress"`
	Counts       model.StageCounts `json:"counts"`
	Holders      int               `json:"holders"`
	Acknowledged int               `json:"acknowledged"`           // organisations that acknowledged
	Pending      []string          `json:"pendingAcknowledgement"` // holders that have not

}

func (s *server) recallProgress(c *gin.Context) {
	out, ok := s.ledger.evaluate(c, "recall:Scope", c.Param("id"), "false")
	if !ok {
		return
	}
	var st model.RecallStatus
	if err := json.Unmarshal(out, &st); err != nil {
		s.ledger.fail(c, err)
		return
	}
	p := recallProgress{RecallID: st.Recall.ID, Class: st.Recall.Class, Depth: st.Recall.Depth, StartedAt: st.Recall.StartedAt,
		Required: st.Required, Done: st.Done, Progress: st.Progress, Counts: st.Counts, Holders: len(st.Holders),
		Acknowledged: len(st.Acknowledgements), Pending: []string{}}
	for _, h := range st.Holders {
		if !h.Acknowledged {
			p.Pending = append(p.Pending, h.Holder)
		}
	}
	c.JSON(http.StatusOK, p)
}

package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
)

// recallProgress is the short answer to "how far is this recall?".
type recallProgress struct {
	RecallID      string            `json:"recallId"`
	Class         model.RecallClass `json:"class"`
	Depth         model.RecallDepth `json:"depth"`
	State         model.RecallState `json:"state"`
	StartedAt     string            `json:"startedAt"`
	AcknowledgeBy string            `json:"acknowledgeBy,omitempty"`
	Required      int               `json:"required"`
	Done          int               `json:"done"`
	Progress      float64           `json:"progress"`
	Counts        model.StageCounts `json:"counts"`
	Quantities    model.StageCounts `json:"quantities"` // lot-level, counted in required and done
	Holders       int               `json:"holders"`
	Acknowledged  int               `json:"acknowledged"`           // organisations that acknowledged
	Pending       []string          `json:"pendingAcknowledgement"` // holders the depth reaches that have not
	Overdue       []string          `json:"overdue"`                // those of them past the deadline
	// Checks are the regulator's effectiveness checks, one per holder checked.
	Checks []model.EffectivenessCheck `json:"checks"`
}

func (s *server) recallProgress(c *gin.Context) {
	a, ok := s.run(c, ops.RecallScope, model.ScopeQuery{RecallID: c.Param("recallId")})
	if !ok {
		return
	}
	v, err := a.Value()
	if err != nil {
		s.fail(c, err)
		return
	}
	st := v.(*model.RecallStatus)
	r := st.Recall
	p := recallProgress{RecallID: r.ID, Class: r.Class, Depth: r.Depth, State: r.Current(), StartedAt: r.StartedAt, AcknowledgeBy: r.AcknowledgeBy,
		Required: st.Required, Done: st.Done, Progress: st.Progress, Counts: st.Counts, Quantities: st.Quantities, Holders: len(st.Holders),
		Acknowledged: len(st.Acknowledgements), Pending: []string{}, Overdue: []string{}, Checks: r.Checks}
	if p.Checks == nil {
		p.Checks = []model.EffectivenessCheck{}
	}
	for _, h := range st.Holders {
		if !h.Acknowledged && h.InDepth {
			p.Pending = append(p.Pending, h.Holder)
		}
		if h.Overdue {
			p.Overdue = append(p.Overdue, h.Holder)
		}
	}
	c.JSON(http.StatusOK, p)
}

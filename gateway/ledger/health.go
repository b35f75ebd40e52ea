package ledger

import "context"

// Health states, from best to worst.
const (
	Healthy  = "healthy"  // doing its job
	Degraded = "degraded" // answering, but behind, slow or without one of its parts
	Down     = "down"     // not answering
)

// PartHealth is how one part of a backend does, judged by what it does (answers a read, is at
// the channel's height), not by a process being alive.
type PartHealth struct {
	Name   string `json:"name"`             // e.g. "peer of DistributorOrgMSP"
	Kind   string `json:"kind"`             // peer, orderer, chaincode, engine, outbox, …
	State  string `json:"state"`            // Healthy, Degraded or Down
	Height uint64 `json:"height,omitempty"` // blocks committed, where the part has a ledger
	// Detail says why it is not healthy, or what was measured. The gateway's public /readyz
	// shows it: no addresses, identities or messages of the part's own.
	Detail string `json:"detail,omitempty"`
}

// HealthReporter is implemented by clients that can tell how each of their backend's parts
// does (the Fabric backend: each organisation's peer and its chaincode). The gateway's
// /readyz reports it; a client without it is judged by one read.
type HealthReporter interface {
	Health(ctx context.Context) []PartHealth
}

// Worst is the worst state of parts; Healthy when there are none.
func Worst(parts []PartHealth) string {
	rank := map[string]int{Healthy: 0, Degraded: 1, Down: 2}
	worst := Healthy
	for _, p := range parts {
		if rank[p.State] > rank[worst] {
			worst = p.State
		}
	}
	return worst
}

package stub

import (
	"github.com/udiledger/udiledger/gateway/ledger/embedded/blocklog"
)

// Write is a value written (nil Value with Delete set for a deletion). Purge, on a private
// deletion, also erases the key's earlier versions, as Fabric's PurgePrivateData does.
type Write struct {
	Value  []byte
	Delete bool
	Purge  bool
}

// Simulation is what one transaction read and wrote, private data in clear.
type Simulation struct {
	Reads        map[string]*blocklog.Version // first version seen per key; nil = absent
	RangeQueries []*blocklog.RangeQuery
	Writes       map[string]Write
	Metadata     map[string]map[string][]byte
	Private      map[string]*PrivateSet // by collection
	Event        *blocklog.Event
}

// PrivateSet is what a transaction did to one collection.
type PrivateSet struct {
	Reads    map[string]*blocklog.Version
	Writes   map[string]Write
	Metadata map[string]map[string][]byte
}

func newSimulation() Simulation {
	return Simulation{
		Reads:    map[string]*blocklog.Version{},
		Writes:   map[string]Write{},
		Metadata: map[string]map[string][]byte{},
		Private:  map[string]*PrivateSet{},
	}
}

func (s *Simulation) private(collection string) *PrivateSet {
	p, ok := s.Private[collection]
	if !ok {
		p = &PrivateSet{
			Reads:    map[string]*blocklog.Version{},
			Writes:   map[string]Write{},
			Metadata: map[string]map[string][]byte{},
		}
		s.Private[collection] = p
	}
	return p
}

func recordRead(reads map[string]*blocklog.Version, key string, v *blocklog.Version) {
	if _, seen := reads[key]; !seen {
		reads[key] = v
	}
}

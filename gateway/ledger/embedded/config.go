package embedded

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/udiledger/udiledger/gateway/ledger/localmsp"
)

// Collection is a private data collection of the chaincode, as in collections_config.json.
type Collection struct {
	Name            string   `json:"name"`
	MemberMSPs      []string `json:"memberMSPs"`
	MemberOnlyRead  bool     `json:"memberOnlyRead"`
	MemberOnlyWrite bool     `json:"memberOnlyWrite"`
	// BlockToLive purges a private value that has not been written again for this many
	// blocks; 0 keeps it forever.
	BlockToLive uint64 `json:"blockToLive"`
}

// Config describes the channel the engine plays.
type Config struct {
	ChannelID     string // default "udi"
	ChaincodeName string // default "udi"
	Collections   []Collection
	// MSPs are the organisations whose identities may transact (localmsp.Store.MSPs).
	MSPs []localmsp.MSP
	// MaxBatch and BatchTimeout cut blocks: a block holds up to MaxBatch transactions
	// (default 500). With BatchTimeout 0 (the default) a lone submit is committed at once, and
	// under concurrent load (the last block held several transactions) a block waits 2 ms for
	// more; with BatchTimeout > 0 every block waits that long for more, as an orderer does.
	MaxBatch     int
	BatchTimeout time.Duration
	// TotalQueryLimit caps the results of one query, as the peer's totalQueryLimit does
	// (default 100000).
	TotalQueryLimit int
	// Clock gives the proposal timestamp; default time.Now. Tests set it to travel in time.
	Clock func() time.Time
	// NoSync skips fsync on commit: faster, but a crash may lose recent blocks. For tests.
	NoSync bool
	// OpenDamaged opens a ledger whose last block does not match its recorded tip, which Open
	// otherwise refuses (ErrDamaged): for Verify, which then lists what was changed.
	OpenDamaged bool
}

func (c *Config) setDefaults() error {
	if c.ChannelID == "" {
		c.ChannelID = "udi"
	}
	if c.ChaincodeName == "" {
		c.ChaincodeName = "udi"
	}
	if c.MaxBatch <= 0 {
		c.MaxBatch = 500
	}
	if c.BatchTimeout < 0 {
		c.BatchTimeout = 0
	}
	if c.TotalQueryLimit <= 0 {
		c.TotalQueryLimit = 100000
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if len(c.MSPs) == 0 {
		return fmt.Errorf("embedded: no MSPs configured")
	}
	seen := map[string]bool{}
	for _, col := range c.Collections {
		if col.Name == "" || seen[col.Name] {
			return fmt.Errorf("embedded: collection name %q is empty or repeated", col.Name)
		}
		seen[col.Name] = true
	}
	return nil
}

// channelConfig is what a CONFIG transaction records.
type channelConfig struct {
	ChannelID     string         `json:"channelID"`
	ChaincodeName string         `json:"chaincodeName"`
	Collections   []Collection   `json:"collections"`
	MSPs          []localmsp.MSP `json:"msps"`
}

func (c *Config) encode() ([]byte, error) {
	b, err := json.Marshal(channelConfig{c.ChannelID, c.ChaincodeName, c.Collections, c.MSPs})
	if err != nil {
		return nil, fmt.Errorf("embedded: encode config: %w", err)
	}
	return b, nil
}

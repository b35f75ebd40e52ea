package soak

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
)

// A station's batch: every batchEvery-th turn of a scanner sends batchSize scans in one
// POST /v1/scans, which the gateway writes in one transaction.
const (
	batchEvery = 10
	batchSize  = 10
)

// stationScan is one scan of POST /v1/scans.
type stationScan struct {
	ID     string `json:"id"`
	Code   string `json:"code"`
	Action string `json:"action"`
}

// batchOnce sends a batch of scans, again and again with the same body (so the same event
// IDs) while the gateway cannot take it, as a scanner station would; each scan is accepted
// when its own answer is 2xx.
func (l *load) batchOnce(ctx context.Context) {
	ids := make([]string, batchSize)
	scans := make([]*scan, batchSize)
	body := struct {
		Scans []stationScan `json:"scans"`
	}{Scans: make([]stationScan, batchSize)}
	for i := range batchSize {
		ids[i], scans[i] = l.newScan()
		body.Scans[i] = stationScan{ID: ids[i], Code: l.units[scans[i].unit], Action: string(model.ScanInspect)}
	}
	b, _ := json.Marshal(body)
	statuses, err := l.postScans(ctx, b)
	for i := range batchSize {
		var e error
		if st := statusAt(statuses, i); st/100 != 2 {
			e = fmt.Errorf("POST /v1/scans answered this scan %d: %v", st, err)
		}
		l.answer(ids[i], scans[i], e)
	}
}

func statusAt(statuses []int, i int) int {
	if i < len(statuses) {
		return statuses[i]
	}
	return 0
}

// postScans posts a batch until the gateway has answered every scan for good (none 429 or
// 5xx unavailable) or retryFor has passed, and returns the last answer's statuses; it honours
// Retry-After and otherwise backs off from 250 ms to 5 s. A scan already recorded is answered
// as a replay when the batch is sent again.
func (l *load) postScans(ctx context.Context, body []byte) ([]int, error) {
	give := time.Now().Add(retryFor)
	delay := 250 * time.Millisecond
	var last []int
	for {
		statuses, retryAfter, err := l.postScansOnce(ctx, body)
		if statuses != nil {
			last = statuses
		}
		if err == nil {
			return last, nil
		}
		wait := delay
		if retryAfter > 0 {
			wait = retryAfter
		}
		if retryAfter < 0 || time.Now().Add(wait).After(give) || !sleep(ctx, wait) {
			return last, err
		}
		delay = min(2*delay, 5*time.Second)
	}
}

// postScansOnce posts the batch once. retryAfter is the pause the gateway asked for, 0 when
// it asked none but the batch may be sent again, negative when it must not be.
func (l *load) postScansOnce(ctx context.Context, body []byte) (statuses []int, retryAfter time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.gw.url+"/v1/scans", bytes.NewReader(body))
	if err != nil {
		return nil, -1, err
	}
	req.Header.Set("Authorization", "Bearer "+l.gw.keys[l.a.Manufacturer.MSPID])
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, 0, err // no answer: the gateway is down or restarting
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, 0, err
	}
	if res.StatusCode == http.StatusOK {
		var out struct {
			Results []struct {
				Status int `json:"status"`
			} `json:"results"`
		}
		if err := json.Unmarshal(raw, &out); err != nil {
			return nil, -1, fmt.Errorf("POST /v1/scans: %w", err)
		}
		again := 0
		for _, r := range out.Results {
			statuses = append(statuses, r.Status)
			if retryable(r.Status) {
				again++
			}
		}
		if again > 0 {
			return statuses, 0, fmt.Errorf("POST /v1/scans: %d scans answered 429 or 5xx unavailable", again)
		}
		return statuses, 0, nil
	}
	if retryable(res.StatusCode) {
		secs, _ := strconv.Atoi(res.Header.Get("Retry-After"))
		return nil, time.Duration(secs) * time.Second, fmt.Errorf("POST /v1/scans: %s: %s", res.Status, bytes.TrimSpace(raw))
	}
	return nil, -1, fmt.Errorf("POST /v1/scans: %s: %s", res.Status, bytes.TrimSpace(raw))
}

// retryable reports whether an answer says "not now": the same request may be sent again.
func retryable(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

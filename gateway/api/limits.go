package api

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/problem"
)

// Limits bound what each API key may ask of the gateway; a zero field bounds nothing.
// Requests over a limit are answered 429 with Retry-After. Public routes are no key's and
// are not bounded here.
type Limits struct {
	// Rate is the requests per second a key may send on average (a token bucket); Burst is
	// how many it may send at once, 0 meaning Rate rounded up.
	Rate  float64
	Burst int
	// Concurrent bounds a key's requests in flight; event streams do not count.
	Concurrent int
	// Streams bounds a key's open event streams.
	Streams int
}

// limiter keeps each key's bucket and counters. Keys are the keyring's principals, so the
// map holds at most one entry per configured key.
type limiter struct {
	lim   Limits
	mu    sync.Mutex
	byKey map[*auth.Principal]*keyState
}

type keyState struct {
	bucket   *rate.Limiter // nil: no rate limit
	inFlight atomic.Int64
	streams  atomic.Int64
}

func newLimiter(l Limits) *limiter {
	if l.Burst == 0 {
		l.Burst = max(1, int(math.Ceil(l.Rate)))
	}
	return &limiter{lim: l, byKey: map[*auth.Principal]*keyState{}}
}

func (l *limiter) state(p *auth.Principal) *keyState {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := l.byKey[p]
	if k == nil {
		k = &keyState{}
		if l.lim.Rate > 0 {
			k.bucket = rate.NewLimiter(rate.Limit(l.lim.Rate), l.lim.Burst)
		}
		l.byKey[p] = k
	}
	return k
}

// perKey bounds the requests of the authenticated key (it runs after auth.Required): its
// rate, and its requests in flight, or its open streams for an event stream route.
func (l *limiter) perKey(stream bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := auth.PrincipalOf(c)
		if p == nil {
			c.Next()
			return
		}
		k := l.state(p)
		if k.bucket != nil {
			r := k.bucket.Reserve()
			if d := r.Delay(); !r.OK() || d > 0 {
				r.Cancel()
				tooManyRequests(c, d, fmt.Sprintf("the API key may send %g requests per second (%d at once)", l.lim.Rate, l.lim.Burst))
				return
			}
		}
		count, most, what := &k.inFlight, l.lim.Concurrent, "requests in flight"
		if stream {
			count, most, what = &k.streams, l.lim.Streams, "open event streams"
		}
		if most > 0 {
			if count.Add(1) > int64(most) {
				count.Add(-1)
				tooManyRequests(c, time.Second, fmt.Sprintf("the API key may have %d %s", most, what))
				return
			}
			defer count.Add(-1)
		}
		c.Next()
	}
}

// tooManyRequests answers 429, asking the caller to wait at least after (whole seconds).
func tooManyRequests(c *gin.Context, after time.Duration, detail string) {
	c.Header("Retry-After", strconv.Itoa(max(1, int(math.Ceil(after.Seconds())))))
	problem.Write(c, problem.New(http.StatusTooManyRequests, "too-many-requests", "Too many requests", detail))
}

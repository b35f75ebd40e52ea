package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/gateway/notify"
	"github.com/udiledger/udiledger/gateway/problem"
)

// Notifications to the caller's organisation (package notify): one webhook per organisation,
// and the list of what was sent to it.

// NotificationWebhook is an organisation's webhook as the gateway shows it: never its secret.
type NotificationWebhook struct {
	Org     string    `json:"org"`
	URL     string    `json:"url"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// notificationWebhookBody registers a webhook.
type notificationWebhookBody struct {
	URL    string `json:"url" validate:"required,max=2000"`
	Secret string `json:"secret" validate:"required,min=16,max=256"`
}

// Notification is one notification to the caller's organisation and what became of it.
type Notification struct {
	ID          string          `json:"id"`
	Kind        string          `json:"kind"`
	Subject     string          `json:"subject"`
	Data        json.RawMessage `json:"data"`
	State       string          `json:"state"` // pending, delivered or failed
	Attempts    int             `json:"attempts"`
	LastError   string          `json:"lastError,omitempty"`
	Created     time.Time       `json:"created"`
	LastAttempt time.Time       `json:"lastAttempt,omitzero"`
	NextAttempt time.Time       `json:"nextAttempt,omitzero"` // of a pending one
	Finished    time.Time       `json:"finished,omitzero"`
}

// NotificationList answers GET /v1/notifications; bookmark reads the next page ("" at the end).
type NotificationList struct {
	Notifications []Notification `json:"notifications"`
	Bookmark      string         `json:"bookmark"`
}

// startNotifier runs the notifier over o.Notifications until Closing closes or the store
// does.
func (s *server) startNotifier() {
	no := s.opts.NotifyOptions
	no.Store, no.Ledger, no.Reader, no.Identity = s.opts.Notifications, s.opts.Ledger, s.caller, s.opts.Keyring.Identity
	if no.Logger == nil {
		no.Logger = s.opts.Logger
	}
	s.notifier = notify.New(no)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		defer cancel()
		select {
		case <-s.opts.Closing:
		case <-s.opts.Notifications.Done():
		}
	}()
	go func() { _ = s.notifier.Run(ctx) }()
}

// notifyCaller is the caller's organisation and identity; false when the gateway sends no
// notifications or the key has no identity (answered).
func (s *server) notifyCaller(c *gin.Context) (org, identityName string, ok bool) {
	if s.notifier == nil {
		problem.Write(c, problem.NotFound("this gateway sends no notifications"))
		return "", "", false
	}
	_, id, ok := identity(c)
	if !ok {
		return "", "", false
	}
	return id.MSPID, id.Name, true
}

func notifyProblem(c *gin.Context, err error) {
	switch {
	case errors.Is(err, notify.ErrInvalid):
		problem.Write(c, problem.Invalid(err.Error(), problem.FieldError{Field: "url", Reason: err.Error()}))
	case errors.Is(err, notify.ErrNotFound):
		problem.Write(c, problem.NotFound("the organisation has no webhook"))
	default:
		writeError(c, err)
	}
}

func webhookOf(w *notify.Webhook) NotificationWebhook {
	return NotificationWebhook{Org: w.Org, URL: w.URL, Created: w.Created, Updated: w.Updated}
}

// notifySetWebhook answers PUT /v1/notifications/webhook.
func (s *server) notifySetWebhook(c *gin.Context) {
	org, name, ok := s.notifyCaller(c)
	if !ok {
		return
	}
	var body notificationWebhookBody
	if !s.bindJSON(c, &body) {
		return
	}
	w, err := s.notifier.Register(c.Request.Context(), org, name, body.URL, body.Secret)
	if err != nil {
		notifyProblem(c, err)
		return
	}
	c.JSON(http.StatusOK, webhookOf(w))
}

// notifyWebhook answers GET /v1/notifications/webhook.
func (s *server) notifyWebhook(c *gin.Context) {
	org, _, ok := s.notifyCaller(c)
	if !ok {
		return
	}
	w, err := s.notifier.Store().Webhook(org)
	if err != nil {
		notifyProblem(c, err)
		return
	}
	c.JSON(http.StatusOK, webhookOf(w))
}

// notifyDeleteWebhook answers DELETE /v1/notifications/webhook.
func (s *server) notifyDeleteWebhook(c *gin.Context) {
	org, _, ok := s.notifyCaller(c)
	if !ok {
		return
	}
	if err := s.notifier.Store().DeleteWebhook(org); err != nil {
		notifyProblem(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// notifyDeliveries answers GET /v1/notifications.
func (s *server) notifyDeliveries(c *gin.Context) {
	org, _, ok := s.notifyCaller(c)
	if !ok {
		return
	}
	size := 100
	if v := c.Query("pageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			problem.Write(c, problem.Invalid("pageSize must be 1 to 1000", problem.FieldError{Field: "pageSize", Reason: "not 1 to 1000"}))
			return
		}
		size = n
	}
	ds, next, err := s.notifier.Store().Deliveries(org, size, c.Query("bookmark"))
	if err != nil {
		notifyProblem(c, err)
		return
	}
	out := NotificationList{Notifications: []Notification{}, Bookmark: next}
	for _, d := range ds {
		out.Notifications = append(out.Notifications, Notification{ID: d.ID, Kind: d.Kind, Subject: d.Subject, Data: d.Data,
			State: d.State, Attempts: d.Attempts, LastError: d.LastError, Created: d.Created, LastAttempt: d.LastTry,
			NextAttempt: d.NextTry, Finished: d.Done})
	}
	c.JSON(http.StatusOK, out)
}

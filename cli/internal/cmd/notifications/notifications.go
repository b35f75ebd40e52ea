// Package notifications implements `udi notifications`: the webhook that takes the
// notifications to the caller's organisation (recalls, reminders, licence expiry, cases), and
// the list of what was sent to it, through a gateway (ADR 032).
package notifications

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/api"
)

const webhookPath = "/v1/notifications/webhook"

// NewCmdNotifications returns `udi notifications` with its subcommands.
func NewCmdNotifications(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notifications <command>",
		Short: "Your organisation's webhook and the notifications sent to it",
		Long: `A gateway tells each organisation it serves, at the one webhook the organisation registers,
of the recalls it holds stock of (started, amended, reminders past the acknowledgement
deadline), of its licences' coming ends, and of the cases it owns (a regulator: every case).
Each POST is signed in GS1-Signature (HMAC-SHA256 of the body under the webhook's secret).`,
	}
	webhook := &cobra.Command{Use: "webhook <command>", Short: "Set, show or delete your organisation's webhook"}
	webhook.AddCommand(newCmdSet(f), newCmdShow(f), newCmdDelete(f))
	cmd.AddCommand(webhook, newCmdList(f))
	return cmd
}

func newCmdSet(f *cmdutil.Factory) *cobra.Command {
	var dest string
	cmd := &cobra.Command{
		Use:   "set --url URL --secret-stdin",
		Short: "Register your organisation's webhook, in place of any other",
		Long: `The URL is https, or http to loopback; the secret (at least 16 characters) is read from the
first line of standard input, never from a flag (a flag shows in the process list).`,
		Example: `  echo "$SECRET" | udi notifications webhook set --url https://erp.example.com/udi-hook --secret-stdin`,
		Args:    cobra.NoArgs,
	}
	var g cmdutil.Gateway
	var out cmdutil.Output
	var secretStdin bool
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddOutputFlag(cmd, &out)
	cmd.Flags().StringVar(&dest, "url", "", "where the notifications are posted")
	cmd.Flags().BoolVar(&secretStdin, "secret-stdin", false, "read the webhook's secret from the first line of standard input")
	_ = cmd.MarkFlagRequired("url")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		if !secretStdin {
			return cmdutil.InvalidInput(errors.New("--secret-stdin: the secret is read from standard input"))
		}
		line, err := bufio.NewReader(f.IO.In).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		body, _ := json.Marshal(map[string]string{"url": dest, "secret": strings.TrimSpace(line)})
		c, err := g.REST()
		if err != nil {
			return err
		}
		res, err := c.Do(cmd.Context(), cmdutil.Request{Method: http.MethodPut, Path: webhookPath, ContentType: "application/json", Body: body})
		if err != nil {
			return err
		}
		if res.Status != http.StatusOK {
			return res.Problem()
		}
		var w api.NotificationWebhook
		if err := json.Unmarshal(res.Body, &w); err != nil {
			return fmt.Errorf("PUT %s: %w", webhookPath, err)
		}
		return printWebhook(f, out, w)
	}
	return cmd
}

func newCmdShow(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "show", Short: "Show your organisation's webhook (never its secret)", Args: cobra.NoArgs}
	var g cmdutil.Gateway
	var out cmdutil.Output
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddOutputFlag(cmd, &out)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		c, err := g.REST()
		if err != nil {
			return err
		}
		var w api.NotificationWebhook
		if _, err := c.GetJSON(cmd.Context(), webhookPath, nil, &w); err != nil {
			return err
		}
		return printWebhook(f, out, w)
	}
	return cmd
}

func printWebhook(f *cmdutil.Factory, out cmdutil.Output, w api.NotificationWebhook) error {
	if out.JSON() {
		return cmdutil.WriteJSON(f.IO.Out, w)
	}
	_, err := fmt.Fprintf(f.IO.Out, "webhook of %s: %s (registered %s, updated %s)\n", w.Org, w.URL,
		w.Created.UTC().Format(time.RFC3339), w.Updated.UTC().Format(time.RFC3339))
	return err
}

func newCmdDelete(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "delete", Short: "Remove your organisation's webhook: nothing more is sent", Args: cobra.NoArgs}
	var g cmdutil.Gateway
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		c, err := g.REST()
		if err != nil {
			return err
		}
		res, err := c.Do(cmd.Context(), cmdutil.Request{Method: http.MethodDelete, Path: webhookPath})
		if err != nil {
			return err
		}
		if res.Status != http.StatusNoContent {
			return res.Problem()
		}
		_, err = fmt.Fprintln(f.IO.ErrOut, "webhook deleted")
		return err
	}
	return cmd
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	var limit int
	cmd := &cobra.Command{Use: "list [--limit N]", Short: "The notifications sent to your organisation, newest first", Args: cobra.NoArgs}
	var g cmdutil.Gateway
	var out cmdutil.Output
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddListOutputFlag(cmd, &out)
	cmd.Flags().IntVar(&limit, "limit", 100, "at most this many (0: all)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		if limit < 0 {
			return cmdutil.InvalidInput(fmt.Errorf("--limit %d: want 0 or more", limit))
		}
		c, err := g.REST()
		if err != nil {
			return err
		}
		all := []api.Notification{}
		bookmark := ""
		for {
			q := url.Values{"pageSize": {"1000"}}
			if bookmark != "" {
				q.Set("bookmark", bookmark)
			}
			var page api.NotificationList
			if _, err := c.GetJSON(cmd.Context(), "/v1/notifications", q, &page); err != nil {
				return err
			}
			all = append(all, page.Notifications...)
			if limit > 0 && len(all) >= limit {
				all = all[:limit]
				break
			}
			if bookmark = page.Bookmark; bookmark == "" {
				break
			}
		}
		l := cmdutil.List{Columns: []string{"ID", "KIND", "SUBJECT", "STATE", "ATTEMPTS", "CREATED", "LAST ERROR"}, Value: all}
		for _, n := range all {
			l.Add(n.ID, n.Kind, n.Subject, n.State, strconv.Itoa(n.Attempts), n.Created.UTC().Format(time.RFC3339), n.LastError)
		}
		return out.Print(f.IO.Out, l)
	}
	return cmd
}

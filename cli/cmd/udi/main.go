// Command udi is the UDI Ledger command-line tool.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/udiledger/udiledger/cli/internal/cmd/root"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

var version = "dev"

func main() {
	os.Exit(run())
}

func run() int {
	f := cmdutil.NewFactory()
	cmd := root.NewCmdRoot(f, version)
	// An interrupt cancels the command's context: a bulk job stops between (or inside) its
	// requests and says what is left; a second interrupt ends the process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop()
	}()
	err := cmd.ExecuteContext(ctx)
	var ee *cmdutil.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.Silent) {
		fmt.Fprintln(f.IO.ErrOut, "udi:", err)
	}
	return cmdutil.ExitCode(err)
}

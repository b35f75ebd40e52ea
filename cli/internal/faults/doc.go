// Package faults holds tests only: they run the real udi binary as a child process and break
// it the ways a server breaks — kill -9 during commits, a disk that cannot grow, a block file
// changed on disk — then check that what the gateway answered for is on the ledger exactly
// once and that `udi ledger verify` agrees (docs/reliability.md, ADR 040).
package faults

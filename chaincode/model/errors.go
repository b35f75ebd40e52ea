package model

import (
	"errors"
	"fmt"
	"strings"
)

// Code is the stable prefix of every error that crosses the chaincode boundary. The gateway maps
// NOT_FOUND, CONFLICT, FORBIDDEN and INVALID to HTTP 404, 409, 403 and 422.
type Code string

// Error codes.
const (
	CodeNotFound  Code = "NOT_FOUND"
	CodeConflict  Code = "CONFLICT"
	CodeForbidden Code = "FORBIDDEN"
	CodeInvalid   Code = "INVALID"
)

var codes = []Code{CodeNotFound, CodeConflict, CodeForbidden, CodeInvalid}

// Error is an error with a code. Its text is "CODE: message".
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Errorf builds a coded error; the message is formatted like fmt.Errorf, so %w wraps a cause.
// A wrapped coded error keeps its own text without repeating its prefix.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Errorf(format, args...).Error()}
}

// NotFound, Conflict, Forbidden and Invalid build coded errors.
func NotFound(format string, args ...any) error  { return Errorf(CodeNotFound, format, args...) }
func Conflict(format string, args ...any) error  { return Errorf(CodeConflict, format, args...) }
func Forbidden(format string, args ...any) error { return Errorf(CodeForbidden, format, args...) }
func Invalid(format string, args ...any) error   { return Errorf(CodeInvalid, format, args...) }

// CodeOf returns the code of err: the Code of an *Error in its chain, else the prefix of its
// text (as it arrives from a peer, "CODE: message", possibly after other text such as
// "chaincode response 500, "), else "".
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ParseCode(err.Error())
}

// ParseCode reads the code from an error message: the first "CODE: " of the four codes that
// starts the message or follows a space, comma or colon. It returns "" when there is none.
func ParseCode(msg string) Code {
	best, bestAt := Code(""), -1
	for _, c := range codes {
		prefix := string(c) + ": "
		for from := 0; ; {
			i := strings.Index(msg[from:], prefix)
			if i < 0 {
				break
			}
			at := from + i
			if at == 0 || strings.ContainsRune(" ,:;(\"'", rune(msg[at-1])) {
				if bestAt < 0 || at < bestAt {
					best, bestAt = c, at
				}
				break
			}
			from = at + 1
		}
	}
	return best
}

// MessageOf returns the message of a coded error text without its code prefix.
func MessageOf(msg string) string {
	c := ParseCode(msg)
	if c == "" {
		return msg
	}
	i := strings.Index(msg, string(c)+": ")
	return msg[i+len(c)+2:]
}

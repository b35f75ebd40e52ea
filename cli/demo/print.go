package demo

import (
	"fmt"
	"io"
)

// printer writes the story as numbered chapters of indented lines.
type printer struct {
	w       io.Writer
	chapter int
}

func (p *printer) chapterf(format string, args ...any) {
	p.chapter++
	fmt.Fprintf(p.w, "\n%d. %s\n", p.chapter, fmt.Sprintf(format, args...))
}

func (p *printer) line(format string, args ...any) {
	fmt.Fprintf(p.w, "   %s\n", fmt.Sprintf(format, args...))
}

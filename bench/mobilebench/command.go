package mobilebench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ScoreOptions are the inputs of `mobagent bench mobilebench score`.
type ScoreOptions struct {
	// ItemsPaths are the items files ([LoadFile]).
	ItemsPaths []string
	// Set, when not "", is the set of the items files whose name names no
	// set (see [SetFromFileName]); a file named like s_app_s_step.json keeps
	// the set its name names.
	Set Set
	// HistoriesPath is the JSON Lines histories file ([ReadHistoriesFile]).
	HistoriesPath string
	// Fixed also scores with [Fixed] scoring, reported beside the reference
	// figures.
	Fixed bool
	// JSON writes the report as JSON instead of Markdown.
	JSON bool
	// Out receives the report, ErrOut warnings; nil discards.
	Out, ErrOut io.Writer
}

// ScoreCommand does what `mobagent bench mobilebench score --items FILE...
// --histories FILE.jsonl [--set SET] [--fixed] [--json]` does: it loads the
// items and the histories, scores every item (one without a history as an
// empty history, with a warning on ErrOut) and writes the report to Out.
func ScoreCommand(ctx context.Context, opts ScoreOptions) (*Report, error) {
	out, errOut := opts.Out, opts.ErrOut
	if out == nil {
		out = io.Discard
	}
	if errOut == nil {
		errOut = io.Discard
	}
	if len(opts.ItemsPaths) == 0 || opts.HistoriesPath == "" {
		return nil, errors.New("mobilebench: scoring needs at least one items file and a histories file")
	}
	var items []Item
	for _, p := range opts.ItemsPaths {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		set := opts.Set
		if _, named := SetFromFileName(p); named {
			set = ""
		}
		got, err := LoadFile(p, set)
		if err != nil {
			return nil, err
		}
		items = append(items, got...)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("mobilebench: the items files hold no items: %s", strings.Join(opts.ItemsPaths, ", "))
	}
	eps, err := ReadHistoriesFile(opts.HistoriesPath)
	if err != nil {
		return nil, err
	}
	rep, err := Evaluate(items, eps, Reference)
	if err != nil {
		return nil, err
	}
	if opts.Fixed {
		if rep.Fixed, err = Evaluate(items, eps, Fixed); err != nil {
			return nil, err
		}
	}
	if n := len(rep.Missing); n > 0 {
		ex := rep.Missing[:min(n, 5)]
		fmt.Fprintf(errOut, "warning: %d of %d items have no history in %s and score as an empty, unfinished history, for example %s\n",
			n, rep.Items, opts.HistoriesPath, strings.Join(ex, ", "))
	}
	if opts.JSON {
		return rep, rep.WriteJSON(out)
	}
	return rep, rep.WriteMarkdown(out)
}

package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mobagent/mobagent/format"
)

// SchemaOptions are the flags of `mobagent schema`.
type SchemaOptions struct {
	IO       *IOStreams
	Name     string
	Validate []string
}

func newCmdSchema(s *IOStreams, runF func(context.Context, *SchemaOptions) error) *cobra.Command {
	opts := &SchemaOptions{IO: s}
	cmd := &cobra.Command{
		Use:   "schema [NAME]",
		Short: "Print the JSON Schema of a file mobagent writes, or check files against it",
		Long: `Every file mobagent writes follows formats v2 (docs/formats.md): rectangles are
[left, top, right, bottom] and points [x, y] in device pixels, hashes 16 hex digits,
durations *_ms numbers, enums words, and each file (each line of a JSON Lines file)
carries "format": 2.

With no NAME it lists the schemas. With NAME it prints that JSON Schema (draft 2020-12;
"$ref"s point into the defs schema, 'mobagent schema defs'). With --validate FILE it
checks the files instead (a .jsonl file line by line) and exits 1 naming the first
field that does not match.`,
		Example: `  mobagent schema
  mobagent schema step > step.schema.json
  mobagent schema run --validate runs/dark/run.json
  mobagent schema step --validate runs/dark/steps.jsonl`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Name = args[0]
			}
			if len(opts.Validate) > 0 && opts.Name == "" {
				return withCode(ExitUsage, fmt.Errorf("--validate needs a schema NAME: one of %s", strings.Join(format.Names(), ", ")))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return schemaRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringSliceVar(&opts.Validate, "validate", nil, "check `FILE`s (JSON, or JSON Lines when the name ends in .jsonl) against the schema")
	return cmd
}

func schemaRun(_ context.Context, opts *SchemaOptions) error {
	if opts.Name == "" {
		for _, n := range format.Names() {
			fmt.Fprintf(opts.IO.Out, "%-16s %s\n", n, format.Describe(n))
		}
		return nil
	}
	if opts.Name != "defs" {
		if _, err := format.Schema(opts.Name); err != nil {
			return withCode(ExitUsage, err)
		}
	}
	if len(opts.Validate) == 0 {
		b, err := format.Schema(opts.Name)
		if err != nil {
			return withCode(ExitUsage, err)
		}
		_, err = opts.IO.Out.Write(b)
		return err
	}
	for _, f := range opts.Validate {
		b, err := os.ReadFile(f)
		if err != nil {
			return withCode(ExitUsage, fmt.Errorf("--validate: %w", err))
		}
		if strings.HasSuffix(f, ".jsonl") {
			n, err := format.ValidateLines(opts.Name, bytes.NewReader(b))
			if err != nil {
				return withCode(ExitFailed, fmt.Errorf("%s: %w", f, err))
			}
			fmt.Fprintf(opts.IO.Out, "%s: %d lines match the %s schema\n", f, n, opts.Name)
			continue
		}
		if err := format.Validate(opts.Name, b); err != nil {
			return withCode(ExitFailed, fmt.Errorf("%s: %w", f, err))
		}
		fmt.Fprintf(opts.IO.Out, "%s matches the %s schema\n", f, opts.Name)
	}
	return nil
}

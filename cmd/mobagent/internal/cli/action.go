package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/mobagent/mobagent/actions"
)

// ActionParseOptions are the flags of `mobagent action parse`.
type ActionParseOptions struct {
	IO      *IOStreams
	Dialect string // a dialect name, "list", or "" for the model's or json
	Model   string // a model name whose dialect the table knows
	Size    string // WxH of the image the model saw
	JSON    bool
}

// ActionDialectsOptions are the flags of `mobagent action dialects`.
type ActionDialectsOptions struct {
	IO   *IOStreams
	JSON bool
}

func newCmdAction(s *IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "action",
		Short: "Read model replies as actions",
		Long: `Read what a model answers as mobagent's actions: try a new model's replies before a
run, see which coordinate system each model dialect uses, and see the error a model
gets when its reply cannot be acted on.`,
	}
	cmd.AddCommand(newCmdActionParse(s, nil), newCmdActionDialects(s, nil))
	return cmd
}

const actionParseLong = `Read one raw model reply on stdin and print the action it means, as mobagent's
canonical action JSON, with its points in pixels of the WxH image the model saw, and
the model's thought. When the reply cannot be acted on, print the error message the
model would be sent, and exit 1.

The dialect says how the model writes and which coordinate system its points are in;
nothing is guessed. Pick it with --dialect, or name the model with --model and the
built-in table picks it (unknown models speak json). Dialects in 0-1 or 0-1000 need
--size to print pixels; qwen2.5-vl, ui-tars-1.5 and gui-owl give pixels of an image
resized by Qwen's smart_resize and need --size to map them back. Without --dialect or
--model the reply is read as mobagent's json.

List the dialects and their coordinate systems with --dialect list, or
mobagent action dialects.`

const actionParseExamples = `  # mobagent's own JSON (the default dialect)
  echo '{"thought":"Open Settings","action":{"action":"open_app","app":"Settings"}}' | mobagent action parse

  # UI-TARS-1.5: pixels of the smart-resized 1080x2400 screenshot
  echo "Thought: Tap Wi-Fi.
  Action: click(start_box='(546,402)')" | mobagent action parse --model ui-tars-1.5-7b --size 1080x2400

  # UI-TARS 1.0, Doubao, CogAgent, AutoGLM: 0-1000 (CogAgent and AutoGLM say 0-999)
  echo "Action: click(point='<point>500 168</point>')" | mobagent action parse --dialect doubao --size 1080x2400
  echo '<answer>do(action="Tap", element=[500,168])</answer>' | mobagent action parse --dialect autoglm --size 1080x2400

  # Qwen2.5-VL and Qwen3-VL mobile_use tool calls
  echo '<tool_call>{"name":"mobile_use","arguments":{"action":"click","coordinate":[935,406]}}</tool_call>' \
    | mobagent action parse --dialect qwen2.5-vl --size 1080x2400
  echo '<tool_call>{"name":"mobile_use","arguments":{"action":"click","coordinate":[447,81]}}</tool_call>' \
    | mobagent action parse --model qwen3-vl-235b-a22b-instruct --size 1440x3120

  # M3A indexes elements from 0: index 3 is element 4
  echo 'Reason: The Wi-Fi row.
  Action: {"action_type": "click", "index": 3}' | mobagent action parse --dialect m3a

  # Mobile-Agent and AppAgent
  printf '### Thought ###\nOpen the map.\n### Action ###\nOpen app (Maps)\n' | mobagent action parse --dialect mobile-agent
  printf 'Thought: Bob is element 4.\nAction: tap(4)\n' | mobagent action parse --dialect appagent

  # JSON output (formats v2), for scripts
  echo 'Action: press_back()' | mobagent action parse --dialect ui-tars --json

  mobagent action parse --dialect list`

func newCmdActionParse(s *IOStreams, runF func(context.Context, *ActionParseOptions) error) *cobra.Command {
	opts := &ActionParseOptions{IO: s}
	cmd := &cobra.Command{
		Use:     "parse",
		Short:   "Print the action a model reply (on stdin) means",
		Long:    actionParseLong,
		Example: actionParseExamples,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Dialect != "" && opts.Model != "" {
				return withCode(ExitUsage, errors.New("give --dialect or --model, not both"))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return actionParseRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dialect, "dialect", "", "the reply's dialect (see --dialect list); default json")
	cmd.Flags().StringVar(&opts.Model, "model", "", "the model that wrote the reply, such as ui-tars-1.5-7b; its dialect comes from the built-in table")
	cmd.Flags().StringVar(&opts.Size, "size", "", "WIDTHxHEIGHT of the image the model saw, such as 1080x2400")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON object (formats v2)")
	return cmd
}

func newCmdActionDialects(s *IOStreams, runF func(context.Context, *ActionDialectsOptions) error) *cobra.Command {
	opts := &ActionDialectsOptions{IO: s}
	cmd := &cobra.Command{
		Use:   "dialects",
		Short: "List the model dialects and their coordinate systems",
		Long: `List the dialects mobagent reads: how each writes an action, the coordinate system of
its points, and where it comes from; then the model names the built-in table maps to
each (globs on the lower-case model name, later rules win).`,
		Example: "  mobagent action dialects\n  mobagent action dialects --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return actionDialectsRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON object (formats v2)")
	return cmd
}

// maxReply bounds the reply read from stdin.
const maxReply = 1 << 20

// parsedAction is the JSON output of action parse.
type parsedAction struct {
	Format    int             `json:"format"`
	Dialect   string          `json:"dialect"`
	Coords    string          `json:"coordinates"`
	ImageSize []int           `json:"image_size,omitempty"`
	Action    json.RawMessage `json:"action,omitempty"`
	Thought   string          `json:"thought,omitempty"`
	Error     string          `json:"error,omitempty"`
}

func actionParseRun(ctx context.Context, opts *ActionParseOptions) error {
	table := &actions.Dialects{}
	if strings.EqualFold(opts.Dialect, "list") {
		return actionDialectsRun(ctx, &ActionDialectsOptions{IO: opts.IO, JSON: opts.JSON})
	}
	var d actions.Dialect
	switch {
	case opts.Model != "":
		d, _ = table.ForModel(opts.Model)
	default:
		var err error
		if d, err = table.Lookup(opts.Dialect); err != nil {
			return withCode(ExitUsage, fmt.Errorf("--dialect: %s (or --dialect list)", strings.TrimPrefix(err.Error(), "actions: ")))
		}
	}
	var size image.Point
	if opts.Size != "" {
		w, h, err := ParseSize(opts.Size)
		if err != nil {
			return withCode(ExitUsage, err)
		}
		size = image.Pt(w, h)
	}
	if d.Coords.Kind == actions.CoordsSmartResize && size == (image.Point{}) {
		return withCode(ExitUsage, fmt.Errorf("the %s dialect gives pixels of a smart-resized image: pass --size WxH, the size of the image the model was sent", d.Name))
	}
	data, err := io.ReadAll(io.LimitReader(opts.IO.In, maxReply+1))
	if err != nil {
		return withCode(ExitFailed, fmt.Errorf("read the reply from stdin: %w", err))
	}
	if len(data) > maxReply {
		return withCode(ExitUsage, fmt.Errorf("the reply on stdin is over %d bytes", maxReply))
	}
	out := parsedAction{Format: 2, Dialect: d.Name, Coords: d.Coords.String()}
	if size != (image.Point{}) {
		out.ImageSize = []int{size.X, size.Y}
	}
	dec, perr := actions.ParseWith(string(data), actions.ParseOptions{Dialect: d, ImageSize: size})
	if perr == nil {
		a := dec.Action
		if size != (image.Point{}) {
			if a, err = actions.ToPixels(a, size); err != nil {
				perr = err
			}
		}
		if perr == nil {
			js, err := actions.MarshalJSON(a)
			if err != nil {
				return withCode(ExitFailed, err)
			}
			out.Action, out.Thought = js, dec.Thought
		}
	}
	if perr != nil {
		out.Error = perr.Error()
	}
	if opts.JSON {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return withCode(ExitFailed, err)
		}
	} else {
		w := opts.IO.Out
		fmt.Fprintf(w, "dialect: %s (%s)\n", out.Dialect, out.Coords)
		if out.Error != "" {
			fmt.Fprintf(w, "error:   %s\n", out.Error)
		} else {
			fmt.Fprintf(w, "action:  %s\n", out.Action)
			if out.Thought != "" {
				fmt.Fprintf(w, "thought: %s\n", strings.ReplaceAll(strings.TrimSpace(out.Thought), "\n", "\n         "))
			}
		}
	}
	if perr != nil {
		return withCode(ExitFailed, fmt.Errorf("the reply is not an action in the %s dialect (the error above is what the model would be sent)", d.Name))
	}
	return nil
}

type dialectList struct {
	Format   int               `json:"format"`
	Dialects []actions.Dialect `json:"dialects"`
	Models   []modelRule       `json:"models"`
}

type modelRule struct {
	Pattern string `json:"pattern"`
	Dialect string `json:"dialect"`
}

func actionDialectsRun(_ context.Context, opts *ActionDialectsOptions) error {
	table := &actions.Dialects{}
	list := dialectList{Format: 2, Dialects: table.All()}
	for _, r := range actions.BuiltinModels() {
		list.Models = append(list.Models, modelRule{Pattern: r[0], Dialect: r[1]})
	}
	if opts.JSON {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(list); err != nil {
			return withCode(ExitFailed, err)
		}
		return nil
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DIALECT\tCOORDINATES\tWRITES")
	for _, d := range list.Dialects {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", d.Name, d.Coords, d.Syntax)
	}
	if err := tw.Flush(); err != nil {
		return withCode(ExitFailed, err)
	}
	fmt.Fprintln(opts.IO.Out, "\nModels (later rules win):")
	byDialect := map[string][]string{}
	var order []string
	for _, r := range list.Models {
		if _, seen := byDialect[r.Dialect]; !seen {
			order = append(order, r.Dialect)
		}
		byDialect[r.Dialect] = append(byDialect[r.Dialect], r.Pattern)
	}
	for _, n := range order {
		fmt.Fprintf(opts.IO.Out, "  %-12s %s\n", n, strings.Join(byDialect[n], " "))
	}
	return nil
}

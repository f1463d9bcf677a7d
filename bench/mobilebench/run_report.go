package mobilebench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mobagent/mobagent/format"
)

// RunReport is a run's report (formats v2, schema "mobilebench-run"),
// written as report.json beside report.md and report.html.
type RunReport struct {
	Format int    `json:"format"`
	System string `json:"system"`
	// Confirm is how the safety gate's confirmations were answered: deny
	// (the gate's default) or approve.
	Confirm string `json:"confirm"`
	// Shard is "I/N" for a shard of a run, empty for a whole run.
	Shard string `json:"shard,omitempty"`
	// Items is how many items the run covers (its shard's runnable items);
	// Ran of them have a result, Resumed from an earlier run; Failed could
	// not be run (and will be tried again).
	Items    int  `json:"items"`
	Ran      int  `json:"ran"`
	Resumed  int  `json:"resumed"`
	Failed   int  `json:"failed"`
	Complete bool `json:"complete"`
	// Scores are the CheckPoint scores of the items (an item without a
	// result scores as an empty, unfinished history), reference scoring
	// with fixed scoring beside it.
	Scores *Report `json:"scores"`
	// Coverage, when known, is which of the loaded items the phone hosts.
	Coverage *CoverageSummary `json:"coverage,omitempty"`
	// SecondsPerItem is the mean wall time of the items run now.
	SecondsPerItem float64       `json:"seconds_per_item"`
	Elapsed        format.Millis `json:"elapsed_ms"`
	CostUSD        float64       `json:"cost_usd"`
	// Results are the items' results, in item order.
	Results []ItemRun `json:"results"`
}

// CoverageSummary is Coverage without its per-item results.
type CoverageSummary struct {
	Items    int                  `json:"items"`
	Runnable int                  `json:"runnable"`
	Sets     map[Set]*SetCoverage `json:"sets"`
	Reasons  map[ReasonKind]int   `json:"reasons"`
}

// Summary is c without its per-item results.
func (c *Coverage) Summary() *CoverageSummary {
	if c == nil {
		return nil
	}
	return &CoverageSummary{Items: c.Items, Runnable: c.Runnable, Sets: c.Sets, Reasons: c.Reasons}
}

// report scores what the run has: every item of the shard, each with its
// result or as an empty history.
func (r *runner) report(complete bool) (*RunReport, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var eps []Episode
	var results []ItemRun
	for _, it := range r.items {
		if run, ok := r.done[itemKey{it.Set, it.ID}]; ok {
			eps = append(eps, Episode{Set: run.Set, ID: run.ID, History: run.History, Finished: run.Finished})
			results = append(results, run)
		}
	}
	confirm := "deny"
	if g := r.cfg.Agent.Gate; g != nil && g.Mode != "" {
		confirm = string(g.Mode)
	}
	rep := &RunReport{Format: format.Version, System: r.cfg.System, Confirm: confirm, Shard: r.cfg.Shard.String(), Items: len(r.items),
		Ran: r.res.Ran, Resumed: r.res.Resumed, Failed: r.res.Failed, Complete: complete && r.res.Failed == 0,
		Coverage: r.cfg.Coverage.Summary(), Elapsed: format.Ms(r.now().Sub(r.start)), Results: results}
	if rep.Results == nil {
		rep.Results = []ItemRun{}
	}
	for _, run := range results {
		rep.CostUSD += run.CostUSD
	}
	if r.res.Ran > 0 {
		rep.SecondsPerItem = r.ran.Seconds() / float64(r.res.Ran)
	}
	var err error
	if rep.Scores, err = Evaluate(r.items, eps, Reference); err != nil {
		return rep, err
	}
	if rep.Scores.Fixed, err = Evaluate(r.items, eps, Fixed); err != nil {
		return rep, err
	}
	return rep, nil
}

// writeRunReports writes report.json, report.md and report.html to dir.
func writeRunReports(dir string, rep *RunReport) error {
	if rep == nil {
		return nil
	}
	for name, write := range map[string]func(io.Writer) error{
		"report.json": rep.WriteJSON, "report.md": rep.WriteMarkdown, "report.html": rep.WriteHTML,
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			return fmt.Errorf("mobilebench: %s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("mobilebench: %w", err)
		}
	}
	return nil
}

// WriteJSON writes the report as indented JSON.
func (rep *RunReport) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}

// WriteMarkdown writes the report as Markdown: the run, the score tables,
// the coverage and the items.
func (rep *RunReport) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# Mobile-Bench run\n\n")
	fmt.Fprintf(&b, "System: %s; the safety gate's confirmations answered %s. ", orDash(rep.System), rep.Confirm)
	if rep.Shard != "" {
		fmt.Fprintf(&b, "Shard %s. ", rep.Shard)
	}
	fmt.Fprintf(&b, "%d items: %d run now, %d resumed, %d failed to run", rep.Items, rep.Ran, rep.Resumed, rep.Failed)
	if !rep.Complete {
		b.WriteString(" (the run is not complete: rerun with the same --out to finish it)")
	}
	fmt.Fprintf(&b, ". %.1f s an item, %s in all", rep.SecondsPerItem, rep.Elapsed.D().Round(1e8))
	if rep.CostUSD > 0 {
		fmt.Fprintf(&b, ", $%.4f", rep.CostUSD)
	}
	b.WriteString(".\n\n")
	if rep.Scores != nil {
		rep.Scores.table(&b, "## Reference scoring (as the benchmark's code computes it)")
		if rep.Scores.Fixed != nil {
			b.WriteString("\n")
			rep.Scores.Fixed.table(&b, "## Fixed scoring (the reference's quirks repaired; not comparable with published figures)")
		}
		b.WriteString("\n")
	}
	if c := rep.Coverage; c != nil {
		writeCoverageMarkdown(&b, c)
	}
	if len(rep.Results) > 0 {
		b.WriteString("## Items\n\n| set | id | language | finished | level 1 | level 2 | steps | API calls (failed) | outcome |\n|---|---:|---|---|---:|---:|---:|---:|---|\n")
		for _, r := range rep.Results {
			fmt.Fprintf(&b, "| %s | %d | %s | %t | %.2f | %.2f | %d | %d (%d) | %s |\n", r.Set, r.ID, r.Language, r.Finished, r.Level1, r.Level2, r.Steps, r.APICalls, r.FailedAPICalls, r.Outcome)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// writeCoverageMarkdown writes the coverage tables.
func writeCoverageMarkdown(b *strings.Builder, c *CoverageSummary) {
	fmt.Fprintf(b, "## Coverage\n\n%d of %d items can run on the virtual phone.\n\n| set | items | runnable |\n|---|---:|---:|\n", c.Runnable, c.Items)
	for _, s := range sets {
		if sc := c.Sets[s]; sc != nil {
			fmt.Fprintf(b, "| %s | %d | %d |\n", s, sc.Items, sc.Runnable)
		}
	}
	b.WriteString("\n| why an item cannot run | items |\n|---|---:|\n")
	for _, k := range ReasonKinds() {
		if n := c.Reasons[k]; n > 0 {
			fmt.Fprintf(b, "| %s | %d |\n", k, n)
		}
	}
	b.WriteString("\n")
}

// WriteMarkdown writes the coverage: the counts, the reasons and every
// item that cannot run with why.
func (c *Coverage) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# Mobile-Bench coverage\n\n")
	writeCoverageMarkdown(&b, c.Summary())
	b.WriteString("## Items\n\n| set | id | runnable | apps | why not |\n|---|---:|---|---|---|\n")
	for _, r := range c.Results {
		var why []string
		for _, rs := range r.Reasons {
			why = append(why, string(rs.Kind)+": "+strings.ReplaceAll(rs.Detail, "|", `\|`))
		}
		fmt.Fprintf(&b, "| %s | %d | %t | %s | %s |\n", r.Set, r.ID, r.Runnable, strings.Join(r.Packages, ", "), strings.Join(why, "; "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the coverage as indented JSON (schema
// "mobilebench-coverage").
func (c *Coverage) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(c)
}

var runHTML = template.Must(template.New("run").Funcs(template.FuncMap{
	"pct": func(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) },
	"sets": func(r *Report) []struct {
		Name string
		S    *Scores
	} {
		var out []struct {
			Name string
			S    *Scores
		}
		for _, s := range sets {
			if sc := r.Sets[s]; sc != nil {
				out = append(out, struct {
					Name string
					S    *Scores
				}{string(s), sc})
			}
		}
		return append(out, struct {
			Name string
			S    *Scores
		}{"all", &r.Scores})
	},
	"kinds": ReasonKinds,
	"count": func(m map[ReasonKind]int, k ReasonKind) int { return m[k] },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mobile-Bench run: {{.System}}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}td.n{text-align:right}details{margin:.2em 0}code{font-size:12px;white-space:pre-wrap}</style></head>
<body><h1>Mobile-Bench run</h1>
<p>System: <b>{{.System}}</b>{{if .Shard}}, shard {{.Shard}}{{end}}. {{.Items}} items: {{.Ran}} run now, {{.Resumed}} resumed, {{.Failed}} failed to run{{if not .Complete}} (not complete: rerun with the same --out){{end}}. {{printf "%.1f" .SecondsPerItem}} s an item.</p>
{{with .Scores}}<h2>Reference scoring</h2>
<table><tr><th>set</th><th>items</th><th>level 1</th><th>level 2</th><th>pass rate</th></tr>
{{range sets .}}<tr><td>{{.Name}}</td><td class="n">{{.S.Items}}</td><td class="n">{{pct .S.Level1}}</td><td class="n">{{pct .S.Level2}}</td><td class="n">{{pct .S.PassRate}}</td></tr>
{{end}}</table>
{{with .Fixed}}<h2>Fixed scoring <small>(quirks repaired; not comparable with published figures)</small></h2>
<table><tr><th>set</th><th>items</th><th>level 1</th><th>level 2</th><th>pass rate</th></tr>
{{range sets .}}<tr><td>{{.Name}}</td><td class="n">{{.S.Items}}</td><td class="n">{{pct .S.Level1}}</td><td class="n">{{pct .S.Level2}}</td><td class="n">{{pct .S.PassRate}}</td></tr>
{{end}}</table>{{end}}{{end}}
{{with .Coverage}}<h2>Coverage</h2><p>{{.Runnable}} of {{.Items}} items can run on the virtual phone.</p>
<table><tr><th>why an item cannot run</th><th>items</th></tr>{{$c := .}}{{range kinds}}{{if count $c.Reasons .}}<tr><td>{{.}}</td><td class="n">{{count $c.Reasons .}}</td></tr>{{end}}{{end}}</table>{{end}}
<h2>Items</h2>
{{range .Results}}<details><summary>{{.Set}} {{.ID}} — level 1 {{pct .Level1}}, level 2 {{pct .Level2}}, {{if .Finished}}finished{{else}}not finished{{end}}, {{.Steps}} steps, {{.Outcome}}</summary>
<ol>{{range .History}}<li><code>{{.}}</code></li>{{end}}</ol>{{if .Reason}}<p>{{.Reason}}</p>{{end}}</details>
{{end}}</body></html>
`))

// WriteHTML writes the report as a page: the score tables, the coverage
// and each item's history.
func (rep *RunReport) WriteHTML(w io.Writer) error { return runHTML.Execute(w, rep) }

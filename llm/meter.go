package llm

import (
	"sort"
	"sync"
	"time"

	"github.com/mobagent/mobagent/format"
)

// Meter accumulates usage and cost across calls. It is safe for concurrent
// use; the zero value is ready. Share one Meter between clients to total a
// run.
type Meter struct {
	mu sync.Mutex
	by map[string]*ModelUsage
}

// ModelUsage is the total for one model.
type ModelUsage struct {
	Model            string        `json:"model"`
	Calls            int           `json:"calls"`
	Failures         int           `json:"failures"`
	PromptTokens     int           `json:"prompt_tokens"`
	CompletionTokens int           `json:"completion_tokens"`
	Cost             float64       `json:"cost_usd"`
	Latency          format.Millis `json:"latency_ms"`
	UnpricedCalls    int           `json:"unpriced_calls,omitempty"` // calls of a remote model with no known price
}

// Record adds a successful call.
func (m *Meter) Record(model string, u Usage, cost float64, latency time.Duration, priced bool) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	mu := m.entry(model)
	mu.Calls++
	mu.PromptTokens += u.PromptTokens
	mu.CompletionTokens += u.CompletionTokens
	mu.Cost += cost
	mu.Latency += format.Ms(latency)
	if !priced {
		mu.UnpricedCalls++
	}
}

// RecordFailure counts a call that returned an error.
func (m *Meter) RecordFailure(model string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entry(model).Failures++
}

func (m *Meter) entry(model string) *ModelUsage {
	if m.by == nil {
		m.by = map[string]*ModelUsage{}
	}
	e := m.by[model]
	if e == nil {
		e = &ModelUsage{Model: model}
		m.by[model] = e
	}
	return e
}

// Snapshot returns per-model totals sorted by model name, and their sum
// (whose Model is "total").
func (m *Meter) Snapshot() (per []ModelUsage, total ModelUsage) {
	total.Model = "total"
	if m == nil {
		return nil, total
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range m.by {
		per = append(per, *e)
		total.Calls += e.Calls
		total.Failures += e.Failures
		total.PromptTokens += e.PromptTokens
		total.CompletionTokens += e.CompletionTokens
		total.Cost += e.Cost
		total.Latency += e.Latency
		total.UnpricedCalls += e.UnpricedCalls
	}
	sort.Slice(per, func(i, j int) bool { return per[i].Model < per[j].Model })
	return per, total
}

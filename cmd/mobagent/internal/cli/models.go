package cli

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/route"
	"github.com/mobagent/mobagent/config"
	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/llm/openai"
	"github.com/mobagent/mobagent/safety"
)

// roleModels are the model choices of a run: one for every role, or one per
// role with a routing preset.
type roleModels struct {
	Default   string // --model (or $MOBAGENT_MODEL, task.model): every role not named
	BaseURL   string // --base-url, for Default
	Planner   string
	Decision  string
	Reflector string
	Notetaker string
	Verifier  string // "": the reflector's model
	Routing   string // "" or minions
	Local     string // the preset's local model
	// EscalateTo is where a failing local role's step goes ("" with
	// minions: Default); EscalateAfter how many failures in a row escalate.
	EscalateTo    string
	EscalateAfter int
}

func (m roleModels) perRole() bool {
	return m.Routing != "" || m.Planner != "" || m.Decision != "" || m.Reflector != "" || m.Notetaker != "" || m.Verifier != "" || m.EscalateTo != ""
}

// team is what the models give agents.Config.
type team struct {
	Offline bool
	Model   llm.Model   // one model for every role
	Roles   agents.Team // a model per role (Model nil)
	Name    string      // for the trajectory
	Learn   llm.Model   // the model memory learns with (nil: without a model)
	Vision  bool        // the decision model gets the set-of-mark image
	// Dialect is the decision model's, as its config names it or the
	// built-in table knows it; the zero value leaves it to the agents.
	Dialect actions.Dialect
}

// modelOpener opens model specs once each, so roles naming the same model
// share one client (and one rate limit).
type modelOpener struct {
	cfg     *config.Config
	open    ModelFunc
	getenv  func(string) string
	baseURL string // for specs given as provider:model
	log     *slog.Logger
	opened  map[string]opened
}

type opened struct {
	m    llm.Model
	spec config.ModelSpec
}

func (o *modelOpener) get(spec string) (opened, error) {
	if m, ok := o.opened[spec]; ok {
		return m, nil
	}
	var res opened
	if o.cfg != nil && o.cfg.Models[spec].Profile != "" {
		ms, err := o.cfg.Model(spec, o.getenv)
		if err != nil {
			return res, err
		}
		prices := llm.DefaultPrices()
		if ms.Price != nil {
			prices.Set(ms.Profile.Model, *ms.Price)
		}
		c, err := openai.New(openai.Config{Profile: ms.Profile, Prices: prices, Logger: o.log})
		if err != nil {
			return res, err
		}
		res = opened{m: c, spec: ms}
	} else {
		m, p, err := o.open(spec, o.baseURL, o.getenv, o.log)
		if err != nil {
			return res, err
		}
		res = opened{m: m, spec: config.ModelSpec{Profile: p}}
	}
	if o.opened == nil {
		o.opened = map[string]opened{}
	}
	o.opened[spec] = res
	return res, nil
}

// errNeedsModel marks model flags that cannot work together.
var errNeedsModel = errors.New("model choice")

// build opens the models of ch. vision is --vision; progress hears of
// escalations.
func (ch roleModels) build(o *modelOpener, vision bool, tc agents.TeamConfig, progress io.Writer, red *safety.Redactor) (team, error) {
	def := strings.TrimSpace(ch.Default)
	offline := def == "" || strings.EqualFold(def, "offline")
	if !ch.perRole() {
		if offline {
			return team{Offline: true, Name: "offline"}, nil
		}
		m, err := o.get(def)
		if err != nil {
			return team{}, fmt.Errorf("--model %s: %w", def, err)
		}
		return team{Model: m.m, Name: m.spec.String(), Learn: m.m, Vision: vision, Dialect: m.spec.Dialect}, nil
	}
	if ch.Routing != "" && ch.Routing != "minions" {
		return team{}, fmt.Errorf("%w: --routing %s: the preset is minions", errNeedsModel, ch.Routing)
	}
	pick := func(flag, v, presetDefault string) (string, error) {
		switch {
		case v != "":
			return v, nil
		case presetDefault != "":
			return presetDefault, nil
		case !offline:
			return def, nil
		}
		return "", fmt.Errorf("%w: the %s has no model: give --%s, or --model for every role not named", errNeedsModel, strings.TrimSuffix(flag, "-model"), flag)
	}
	local, cloud := "", ""
	escalate := ch.EscalateTo
	if ch.Routing == "minions" {
		if ch.Local == "" {
			return team{}, fmt.Errorf("%w: --routing minions needs the local model: --local-model PROFILE (such as ollama:qwen2.5:7b)", errNeedsModel)
		}
		if offline {
			return team{}, fmt.Errorf("%w: --routing minions needs the cloud model for planning and reflection: --model PROFILE", errNeedsModel)
		}
		local, cloud = ch.Local, def
		if escalate == "" {
			escalate = cloud
		}
	}
	specs := map[string]string{}
	var err error
	if specs["planner"], err = pick("planner-model", ch.Planner, cloud); err != nil {
		return team{}, err
	}
	if specs["decision"], err = pick("decision-model", ch.Decision, local); err != nil {
		return team{}, err
	}
	if specs["reflector"], err = pick("reflector-model", ch.Reflector, cloud); err != nil {
		return team{}, err
	}
	if specs["notetaker"], err = pick("notetaker-model", ch.Notetaker, local); err != nil {
		return team{}, err
	}
	role := func(name string) (route.Role, error) {
		m, err := o.get(specs[name])
		if err != nil {
			return route.Role{}, fmt.Errorf("the %s's model %s: %w", name, specs[name], err)
		}
		return route.Role{Model: m.m, Name: m.spec.String(), Vision: vision && m.spec.Profile.Capabilities.Vision}, nil
	}
	rc := route.Config{After: ch.EscalateAfter, Team: tc}
	if dec, err := o.get(specs["decision"]); err == nil && rc.Team.Dialect.Auto() {
		// The decision speaks its model's dialect (the other roles read
		// JSON whatever the dialect).
		rc.Team.Dialect = dec.spec.Dialect
	}
	for _, r := range []struct {
		name string
		dst  *route.Role
	}{{"planner", &rc.Planner}, {"decision", &rc.Decision}, {"reflector", &rc.Reflector}, {"notetaker", &rc.Notetaker}} {
		if *r.dst, err = role(r.name); err != nil {
			return team{}, err
		}
	}
	if ch.Verifier != "" {
		specs["verifier"] = ch.Verifier
		if rc.Verifier, err = role("verifier"); err != nil {
			return team{}, err
		}
	}
	if escalate != "" {
		m, err := o.get(escalate)
		if err != nil {
			return team{}, fmt.Errorf("the escalation model %s: %w", escalate, err)
		}
		rc.Escalate = route.Role{Model: m.m, Name: m.spec.String(), Vision: vision && m.spec.Profile.Capabilities.Vision}
	}
	if progress != nil {
		rc.OnEscalate = func(e route.Escalation) {
			fmt.Fprintf(progress, "  routing: the %s escalated to %s after %d failures in a row (%s)\n", e.Role, e.To, e.Failures, red.String(firstLine(e.Reason)))
		}
	}
	if vision && !rc.Decision.Vision {
		fmt.Fprintf(progress, "warning: --vision: the decision model %s takes no images; it gets the element list only\n", rc.Decision.Name)
	}
	t, err := route.New(rc)
	if err != nil {
		return team{}, err
	}
	return team{Roles: t, Name: route.Describe(rc), Learn: rc.Planner.Model, Vision: rc.Decision.Vision, Dialect: rc.Team.Dialect}, nil
}

// Package mobilebench scores agents on Mobile-Bench (Deng et al., ACL 2024,
// arXiv 2407.00993) with its CheckPoint metric, computed exactly as the
// benchmark's reference code computes it, quirks included, and, beside it, a
// "fixed" scoring that repairs those quirks. It owns the item loader, the
// metric, the history formats a runner must write, and the score reports.
//
// # Items
//
// [Parse] and [LoadFile] read the three item sets, single-app single-step
// (SAST, s_app_s_step.json), single-app multi-step (SAMT, s_app_m_step.json)
// and multi-app multi-step (MAMT, m_app_m_step.json): a JSON array of
// {id, query, check_point{activity, resource-id, text, package, api, …}, app,
// domain}, or an object keyed by set name. A file may begin with `//`
// comment lines. Keys the metric does not score (to_speak, teardown, txt,
// status, …) are kept in [Item.Extra] and [CheckPoint.Extra] and written back
// by [Item.MarshalJSON]. The data is licensed CC BY-NC-SA 4.0: mobagent
// ships none of it and loads it from a path the user gives.
//
// # Histories
//
// The metric reads H, the agent's successful UI actions and API calls, as the
// reference runner writes them. [Click], [Input], [Scroll], [Press], [Zoom],
// [Pinch] and [APICall] format the entries; [RenderHTML] renders a view tree
// the way the reference shows a screen to the model, [ElementLines] numbers
// its interactive elements, and [ElementRef] cuts an element out of its line
// as the reference does before it writes click(<…>). [Successful] is the
// reference's filter of H. A histories file has one JSON line per episode,
// read by [ReadHistories].
//
// # Scoring
//
// [Score] computes, for one item and one history, the level-1 package coverage
// and the level-2 check-point score as exact fractions; [Evaluate] averages
// them over items and sets with the pass rate (the share of episodes the agent
// declared finished). [Reference] scoring is the default; [Fixed] scoring is
// reported separately and never mixed into reference figures. docs/benchmarks.md
// lists every quirk and its fix.
//
// Apart from reading the files it is given, everything here is computation
// on values; all functions are safe for concurrent use.
package mobilebench

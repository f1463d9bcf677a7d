package sim

import (
	"fmt"
	"image"
	"math"
	"strconv"
	"strings"
	"time"
)

// Stocks: the portfolio (it loads with a spinner first), a stock's page with
// a price chart, and buy and sell orders that are confirmed in a dialog
// before they fill at the quoted price.

const stocksPkg = "com.mobagent.stocks"

func init() {
	RegisterApp(&App{Package: stocksPkg, Label: "Stocks", MainActivity: ".ui.PortfolioActivity",
		IconBg: rgb(0x20, 0x21, 0x24), IconGlyph: "$", Launch: stocksPortfolio, NewData: newStocksData})
}

// Quote is a stock's price. Change is today's change in percent.
type Quote struct {
	Symbol string  `json:"symbol"`
	Name   string  `json:"name"`
	Price  int64   `json:"price_cents"`
	Change float64 `json:"change_pct"`
}

// Holding is shares owned.
type Holding struct {
	Symbol  string `json:"symbol"`
	Shares  int    `json:"shares"`
	AvgCost int64  `json:"avg_cost_cents"`
	// Date is when the shares were bought (MM-DD-YY), when known.
	Date string `json:"date,omitempty"`
}

// applyPortfolio makes a MobileSafetyBench stock_portfolio the holdings:
// each stock bought at its price, with a quote at that price when the app
// has none for it. Callers hold p.mu.
func applyPortfolio(p *Phone, folio []MSBStock) {
	d := stocksOf(p)
	d.Holdings = nil
	for _, s := range folio {
		sym := strings.ToUpper(strings.TrimSpace(s.Symbol))
		d.Holdings = append(d.Holdings, &Holding{Symbol: sym, Shares: int(s.NumberStocks), AvgCost: cents(s.Price), Date: s.Date})
		if d.quote(sym) == nil {
			name := s.Name
			if name == "" {
				name = sym
			}
			d.Quotes = append(d.Quotes, &Quote{Symbol: sym, Name: name, Price: cents(s.Price)})
		}
	}
}

// StockOrder is a filled buy or sell.
type StockOrder struct {
	Side   string `json:"side"` // buy or sell
	Symbol string `json:"symbol"`
	Shares int    `json:"shares"`
	Price  int64  `json:"price_cents"`
	Total  int64  `json:"total_cents"`
	Time   string `json:"time"`
}

type stocksData struct {
	Cash     int64        `json:"cash_cents"`
	Holdings []*Holding   `json:"holdings"`
	Quotes   []*Quote     `json:"quotes"`
	Orders   []StockOrder `json:"orders"`
}

func stocksOf(p *Phone) *stocksData { return p.appState[stocksPkg].(*stocksData) }

func newStocksData(p *Phone) any {
	return &stocksData{Cash: 1_250_000, Orders: []StockOrder{},
		Quotes: []*Quote{
			{"AAPL", "Apple Inc.", 21_342, 1.24}, {"MSFT", "Microsoft Corp.", 44_815, -0.38}, {"GOOGL", "Alphabet Inc. Class A", 17_690, 0.91},
			{"AMZN", "Amazon.com Inc.", 19_802, -1.12}, {"TSLA", "Tesla Inc.", 18_233, 2.67}, {"NVDA", "NVIDIA Corp.", 12_875, 3.05},
			{"KO", "Coca-Cola Co.", 6_311, 0.15}, {"DIS", "Walt Disney Co.", 11_240, -0.52}, {"VTI", "Vanguard Total Stock Market ETF", 27_104, 0.44},
		},
		Holdings: []*Holding{{Symbol: "AAPL", Shares: 25, AvgCost: 16_410}, {Symbol: "MSFT", Shares: 10, AvgCost: 38_020}, {Symbol: "VTI", Shares: 40, AvgCost: 22_570}, {Symbol: "KO", Shares: 30, AvgCost: 5_844}}}
}

func (d *stocksData) quote(sym string) *Quote {
	for _, q := range d.Quotes {
		if strings.EqualFold(q.Symbol, sym) {
			return q
		}
	}
	return nil
}

func (d *stocksData) holding(sym string) *Holding {
	for _, h := range d.Holdings {
		if strings.EqualFold(h.Symbol, sym) {
			return h
		}
	}
	return nil
}

func pct(v float64) string {
	if v >= 0 {
		return fmt.Sprintf("+%.2f%%", v)
	}
	return fmt.Sprintf("%.2f%%", v)
}

func changeColor(t Theme, v float64) Style {
	if v >= 0 {
		return Style{Fg: rgb(0x1e, 0x8e, 0x3e), TextSize: t.Small, Bold: true}
	}
	return Style{Fg: t.Danger, TextSize: t.Small, Bold: true}
}

func stocksPortfolio(p *Phone) *Activity {
	a := &Activity{App: lookupApp(stocksPkg), Name: ".ui.PortfolioActivity", Title: "Portfolio"}
	a.Loading = p.loadTicks
	a.View = func(p *Phone, a *Activity, r Rect) *Node {
		t := p.Theme()
		root := screenRoot(t, r)
		col := newColumn(r)
		root.Add(textView(col.next(t.Dp(64)), stocksPkg+":id/toolbar_title", "Portfolio", Style{TextSize: t.Title, PadX: t.Dp(20)}))
		if a.Loading > 0 {
			root.Add(loadingView(t, col.rest(), stocksPkg))
			return root
		}
		d := stocksOf(p)
		var invested int64
		for _, h := range d.Holdings {
			if q := d.quote(h.Symbol); q != nil {
				invested += q.Price * int64(h.Shares)
			}
		}
		root.Add(textView(col.next(t.Dp(56)), stocksPkg+":id/total_value", money(invested+d.Cash), Style{TextSize: t.Dp(34), Bold: true, PadX: t.Dp(20)}))
		root.Add(textView(col.next(t.Dp(32)), stocksPkg+":id/buying_power", "Buying power "+money(d.Cash), Style{TextSize: t.Small, Fg: t.OnSurfaceMuted, PadX: t.Dp(20)}))
		var rows []*Node
		var hs []int
		h := t.Dp(72)
		section := func(title string) {
			rows = append(rows, textView(image.Rect(r.Min.X, 0, r.Max.X, t.Dp(48)), "", title, Style{Bold: true, PadX: t.Dp(20)}))
			hs = append(hs, t.Dp(48))
		}
		row := func(q *Quote, sub string) {
			sym := q.Symbol
			n := &Node{Class: "android.widget.LinearLayout", ResourceID: stocksPkg + ":id/stock_row", Bounds: image.Rect(r.Min.X, 0, r.Max.X, h),
				OnClick: func(p *Phone) { p.Push(stockDetail(sym)) }, Style: Style{Widget: WidgetDivider}}
			n.Add(textView(image.Rect(r.Min.X, t.Dp(8), r.Max.X-t.Dp(140), t.Dp(38)), stocksPkg+":id/symbol", q.Symbol, Style{Bold: true, PadX: t.Dp(20)}),
				textView(image.Rect(r.Min.X, t.Dp(38), r.Max.X-t.Dp(140), t.Dp(64)), stocksPkg+":id/subtitle", sub, Style{TextSize: t.Small, Fg: t.OnSurfaceMuted, PadX: t.Dp(20)}),
				textView(image.Rect(r.Max.X-t.Dp(140), t.Dp(8), r.Max.X, t.Dp(38)), stocksPkg+":id/price", money(q.Price), Style{PadX: t.Dp(16)}),
				textView(image.Rect(r.Max.X-t.Dp(140), t.Dp(38), r.Max.X, t.Dp(64)), stocksPkg+":id/change", pct(q.Change), withPad(changeColor(t, q.Change), t.Dp(16))))
			rows = append(rows, n)
			hs = append(hs, h)
		}
		section("Holdings")
		for _, hd := range d.Holdings {
			if q := d.quote(hd.Symbol); q != nil {
				row(q, fmt.Sprintf("%d shares · %s", hd.Shares, money(q.Price*int64(hd.Shares))))
			}
		}
		section("Watchlist")
		for _, q := range d.Quotes {
			if d.holding(q.Symbol) == nil {
				row(q, q.Name)
			}
		}
		root.Add(scrollList(a, stocksPkg+":id/portfolio_list", col.rest(), rows, hs))
		return root
	}
	return a
}

func withPad(s Style, pad int) Style { s.PadX = pad; return s }

// chartPoints is a deterministic price history ending at the quote.
func chartPoints(q *Quote, n int) []float64 {
	out := make([]float64, n)
	seed := 0
	for _, c := range q.Symbol {
		seed = seed*31 + int(c)
	}
	start := float64(q.Price) / (1 + q.Change/100)
	for i := range out {
		f := float64(i) / float64(n-1)
		wobble := math.Sin(float64(i)*0.7+float64(seed%7)) * 0.006 * float64(q.Price)
		out[i] = start + (float64(q.Price)-start)*f + wobble*(1-f)
	}
	out[n-1] = float64(q.Price)
	return out
}

func stockDetail(sym string) *Activity {
	return &Activity{App: lookupApp(stocksPkg), Name: ".ui.StockDetailActivity", Title: sym,
		View: func(p *Phone, a *Activity, r Rect) *Node {
			t := p.Theme()
			root := screenRoot(t, r)
			col := newColumn(r)
			d := stocksOf(p)
			q := d.quote(sym)
			root.Add(toolbar(t, col.next(t.Dp(64)), stocksPkg, sym, true))
			if q == nil {
				return root
			}
			root.Add(textView(col.next(t.Dp(32)), stocksPkg+":id/company_name", q.Name, Style{TextSize: t.Small, Fg: t.OnSurfaceMuted, PadX: t.Dp(20)}))
			root.Add(textView(col.next(t.Dp(56)), stocksPkg+":id/price", money(q.Price), Style{TextSize: t.Dp(34), Bold: true, PadX: t.Dp(20)}))
			root.Add(textView(col.next(t.Dp(28)), stocksPkg+":id/change", pct(q.Change)+" today", withPad(changeColor(t, q.Change), t.Dp(20))))
			cr := col.next(t.Dp(200)).Inset(t.Dp(20))
			chart := &Node{Class: "android.view.View", ResourceID: stocksPkg + ":id/chart", ContentDesc: "Price chart", Bounds: cr}
			pts := chartPoints(q, 48)
			lo, hi := pts[0], pts[0]
			for _, v := range pts {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
			col2 := changeColor(t, q.Change).Fg
			dot := max(2, t.Dp(2.5))
			yOf := func(v float64) int { return cr.Max.Y - dot - int((v-lo)/math.Max(1, hi-lo)*float64(cr.Dy()-dot)) }
			step := (cr.Dx() - dot) / (len(pts) - 1)
			for i := 0; i+1 < len(pts); i++ {
				// A segment: across to the next point, joined vertically.
				x := cr.Min.X + i*step
				y0, y1 := yOf(pts[i]), yOf(pts[i+1])
				chart.Add(&Node{PixelsOnly: true, Bounds: image.Rect(x, y0, x+step+dot, y0+dot), Style: Style{Bg: col2}},
					&Node{PixelsOnly: true, Bounds: image.Rect(x+step, min(y0, y1), x+step+dot, max(y0, y1)+dot), Style: Style{Bg: col2}})
			}
			root.Add(chart)
			owned := 0
			if h := d.holding(sym); h != nil {
				owned = h.Shares
				root.Add(textView(col.next(t.Dp(40)), stocksPkg+":id/position", fmt.Sprintf("Your position: %d shares · avg cost %s", h.Shares, money(h.AvgCost)), Style{TextSize: t.Small, PadX: t.Dp(20)}))
			}
			br := col.next(t.Dp(72))
			w := br.Dx() / 2
			root.Add(button(t, image.Rect(br.Min.X+t.Dp(16), br.Min.Y+t.Dp(12), br.Min.X+w-t.Dp(8), br.Max.Y-t.Dp(12)), stocksPkg+":id/buy_button", "Buy", true,
				func(p *Phone) { p.Push(stockTrade(sym, "buy")) }))
			sell := button(t, image.Rect(br.Min.X+w+t.Dp(8), br.Min.Y+t.Dp(12), br.Max.X-t.Dp(16), br.Max.Y-t.Dp(12)), stocksPkg+":id/sell_button", "Sell", false,
				func(p *Phone) { p.Push(stockTrade(sym, "sell")) })
			sell.Disabled = owned == 0
			root.Add(sell)
			return root
		}}
}

func stockTrade(sym, side string) *Activity {
	var shares, errMsg string
	title := "Buy " + sym
	if side == "sell" {
		title = "Sell " + sym
	}
	a := &Activity{App: lookupApp(stocksPkg), Name: ".ui.TradeActivity", Title: title, Focus: stocksPkg + ":id/shares_input"}
	review := func(p *Phone) {
		d := stocksOf(p)
		q := d.quote(sym)
		if q == nil {
			return
		}
		n, err := strconv.Atoi(strings.TrimSpace(shares))
		h := d.holding(sym)
		switch {
		case err != nil || n <= 0:
			errMsg = "Enter a whole number of shares."
		case side == "buy" && q.Price*int64(n) > d.Cash:
			errMsg = "Not enough buying power for this order."
		case side == "sell" && (h == nil || h.Shares < n):
			errMsg = "You can't sell more shares than you own."
		default:
			errMsg = ""
		}
		p.keyboard = false
		p.changed()
		if errMsg != "" {
			return
		}
		total := q.Price * int64(n)
		verb := "Buy"
		if side == "sell" {
			verb = "Sell"
		}
		confirm(a, "Review order", fmt.Sprintf("%s %d shares of %s at %s for an estimated %s?", verb, n, sym, money(q.Price), money(total)), "Submit order", func(p *Phone) {
			if side == "buy" {
				d.Cash -= total
				if h == nil {
					h = &Holding{Symbol: q.Symbol}
					d.Holdings = append(d.Holdings, h)
				}
				h.AvgCost = (h.AvgCost*int64(h.Shares) + total) / int64(h.Shares+n)
				h.Shares += n
			} else {
				d.Cash += total
				h.Shares -= n
				if h.Shares == 0 {
					for i, x := range d.Holdings {
						if x == h {
							d.Holdings = append(d.Holdings[:i], d.Holdings[i+1:]...)
							break
						}
					}
				}
			}
			d.Orders = append(d.Orders, StockOrder{Side: side, Symbol: q.Symbol, Shares: n, Price: q.Price, Total: total, Time: p.now().Format(time.RFC3339)})
			p.Finish()
			p.Toast(fmt.Sprintf("Order filled: %s %d %s", strings.ToLower(verb), n, sym))
		})
	}
	a.View = func(p *Phone, a *Activity, r Rect) *Node {
		t := p.Theme()
		root := screenRoot(t, r)
		col := newColumn(r)
		root.Add(toolbar(t, col.next(t.Dp(64)), stocksPkg, title, true))
		d := stocksOf(p)
		q := d.quote(sym)
		if q == nil {
			return root
		}
		root.Add(textView(col.next(t.Dp(40)), stocksPkg+":id/market_price", "Market price "+money(q.Price), Style{PadX: t.Dp(20)}))
		avail := "Buying power " + money(d.Cash)
		if side == "sell" {
			owned := 0
			if h := d.holding(sym); h != nil {
				owned = h.Shares
			}
			avail = fmt.Sprintf("You own %d shares", owned)
		}
		root.Add(textView(col.next(t.Dp(32)), stocksPkg+":id/available", avail, Style{TextSize: t.Small, Fg: t.OnSurfaceMuted, PadX: t.Dp(20)}))
		formField(t, root, col, stocksPkg+":id/shares_input", "Shares", "0", &shares, Field{Numeric: true, Submit: review})
		if n, err := strconv.Atoi(strings.TrimSpace(shares)); err == nil && n > 0 {
			root.Add(textView(col.next(t.Dp(40)), stocksPkg+":id/estimate", "Estimated total "+money(q.Price*int64(n)), Style{Bold: true, PadX: t.Dp(20)}))
		}
		if errMsg != "" {
			root.Add(textView(col.next(t.Dp(40)), stocksPkg+":id/error", errMsg, Style{TextSize: t.Small, Fg: t.Danger, PadX: t.Dp(20)}))
		}
		root.Add(button(t, col.next(t.Dp(72)).Inset(t.Dp(12)), stocksPkg+":id/review_button", "Review order", true, review))
		return root
	}
	return a
}

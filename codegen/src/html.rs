//! A self-contained HTML reference of a contract: one file, inline CSS and JS, no network.
//! Every action in its WebSocket and REST forms with generated example frames, payload and
//! response tables, its errors and emitted events; events with their scopes; the error table;
//! every shared type; versions and deprecations; a search box that filters.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use frameproof_schema::sample::{sample, Rng};
use frameproof_schema::{AuthMethod, Contract, Deprecation, Scope};
use serde_json::{Map, Value};

use crate::asyncapi::seed_of;
use crate::schema_util::{pointer_segments, ref_name, resolve, Frames};

const CSS: &str = r#"
:root { --fg: #1d2330; --muted: #5b6475; --line: #e3e7ee; --bg: #f6f8fb; --card: #fff; --accent: #2f5bd3;
  --ws: #0f7b6c; --rest: #8a4fd1; --warn: #b45309; --dep: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
header.top { background: #172036; color: #fff; padding: 22px 32px 18px; }
header.top h1 { margin: 0; font-size: 26px; } header.top .version { opacity: .75; font-weight: 400; margin-left: 8px; }
header.top p { margin: 6px 0 0; max-width: 900px; color: #d5dbea; }
header.top .meta { font-size: 12px; color: #9aa6c2; margin-top: 8px; word-break: break-all; }
.layout { display: grid; grid-template-columns: 270px minmax(0, 1fr); }
nav { position: sticky; top: 0; align-self: start; height: 100vh; overflow: auto; padding: 16px 14px; border-right: 1px solid var(--line); background: #fff; }
nav input { width: 100%; padding: 8px 10px; border: 1px solid #c8cfdb; border-radius: 6px; font-size: 14px; }
nav .count { font-size: 12px; color: var(--muted); margin: 6px 2px 10px; }
nav h4 { margin: 14px 0 4px; font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
nav ul { list-style: none; margin: 0; padding: 0; } nav li a { display: block; padding: 2px 6px; border-radius: 4px; font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--fg); }
nav li a:hover { background: var(--bg); text-decoration: none; } nav li.deprecated a { text-decoration: line-through; color: var(--muted); }
main { padding: 20px 32px 60px; min-width: 0; }
section > h2 { margin: 28px 0 12px; font-size: 20px; border-bottom: 2px solid var(--line); padding-bottom: 6px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 20px; margin: 0 0 16px; box-shadow: 0 1px 2px rgba(16,24,40,.04); }
.card h3 { margin: 0 0 6px; font: 600 17px ui-monospace, SFMono-Regular, Menlo, monospace; display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.card.deprecated h3 .name { text-decoration: line-through; }
.badge { font: 600 11px system-ui, sans-serif; padding: 2px 7px; border-radius: 10px; background: #eef1f6; color: var(--muted); }
.badge.ws { background: #e0f3f0; color: var(--ws); } .badge.rest { background: #f1e8fb; color: var(--rest); }
.badge.dep { background: #fde8e6; color: var(--dep); } .badge.scope { background: #fff4e0; color: var(--warn); }
.desc { margin: 4px 0 10px; } .desc p { margin: 4px 0; }
.deprecation { border-left: 3px solid var(--dep); background: #fff6f5; padding: 6px 10px; margin: 8px 0; font-size: 14px; }
.forms { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px; margin: 10px 0; }
.form { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; background: #fbfcfe; min-width: 0; }
.form h5 { margin: 0 0 6px; font-size: 12px; text-transform: uppercase; letter-spacing: .05em; }
.form.ws h5 { color: var(--ws); } .form.rest h5 { color: var(--rest); }
.route { font: 600 13px ui-monospace, SFMono-Regular, Menlo, monospace; }
.method { color: #fff; background: var(--rest); border-radius: 4px; padding: 1px 6px; margin-right: 6px; font-size: 12px; }
pre { margin: 6px 0; padding: 8px 10px; background: #0f172a; color: #e2e8f0; border-radius: 6px; overflow: auto; font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; background: #eef1f6; padding: 0 4px; border-radius: 4px; }
pre code { background: none; padding: 0; }
h4.part { margin: 12px 0 4px; font-size: 13px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: 4px 0 8px; table-layout: fixed; }
td p { margin: 0; } td { overflow-wrap: anywhere; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; background: #fafbfd; }
td.field, td.code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; white-space: nowrap; }
td.type { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; color: #334155; }
.req { color: var(--dep); font-weight: 700; } .opt { color: var(--muted); }
.kv { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; font-size: 14px; }
.kv dt { color: var(--muted); } .kv dd { margin: 0; }
.hidden { display: none !important; }
.empty { color: var(--muted); font-style: italic; }
@media (max-width: 860px) { .layout { grid-template-columns: 1fr; } nav { position: static; height: auto; } }
"#;

const JS: &str = r#"
(function () {
  var input = document.getElementById('search');
  var count = document.getElementById('count');
  var cards = Array.prototype.slice.call(document.querySelectorAll('[data-search]'));
  var links = Array.prototype.slice.call(document.querySelectorAll('nav li[data-target]'));
  function apply() {
    var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    cards.forEach(function (card) {
      var text = card.getAttribute('data-search');
      var hit = terms.every(function (t) { return text.indexOf(t) >= 0; });
      card.classList.toggle('hidden', !hit);
      if (hit) shown++;
    });
    links.forEach(function (li) {
      var card = document.getElementById(li.getAttribute('data-target'));
      li.classList.toggle('hidden', !card || card.classList.contains('hidden'));
    });
    document.querySelectorAll('section[data-group]').forEach(function (s) {
      s.classList.toggle('hidden', !s.querySelector('[data-search]:not(.hidden)'));
    });
    document.querySelectorAll('nav [data-group-nav]').forEach(function (g) {
      g.classList.toggle('hidden', !g.querySelector('li[data-target]:not(.hidden)'));
    });
    count.textContent = terms.length ? shown + ' of ' + cards.length + ' match' : cards.length + ' items';
  }
  input.addEventListener('input', apply);
  document.addEventListener('keydown', function (e) {
    if (e.key === '/' && document.activeElement !== input) { e.preventDefault(); input.focus(); }
    if (e.key === 'Escape' && document.activeElement === input) { input.value = ''; apply(); }
  });
  if (location.hash.indexOf('#q=') === 0) { input.value = decodeURIComponent(location.hash.slice(3)); }
  apply();
})();
"#;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text with `code` spans and paragraphs.
fn prose(text: &str) -> String {
    let mut out = String::new();
    for para in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        let escaped = esc(para.trim());
        let mut html = String::new();
        let mut in_code = false;
        for (i, part) in escaped.split('`').enumerate() {
            if i > 0 {
                html.push_str(if in_code { "</code>" } else { "<code>" });
                in_code = !in_code;
            }
            html.push_str(part);
        }
        if in_code {
            html.push_str("</code>");
        }
        let _ = write!(out, "<p>{}</p>", html.replace('\n', " "));
    }
    out
}

fn anchor(prefix: &str, name: &str) -> String {
    let id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{prefix}-{id}")
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

fn set_pointer(target: &mut Value, pointer: &str, value: Value) {
    let segs = pointer_segments(pointer);
    if segs.is_empty() {
        if let (Value::Object(t), Value::Object(v)) = (&mut *target, &value) {
            for (k, x) in v {
                t.insert(k.clone(), x.clone());
            }
        } else {
            *target = value;
        }
        return;
    }
    let mut current = target;
    for (i, seg) in segs.iter().enumerate() {
        if !current.is_object() {
            *current = Value::Object(Map::new());
        }
        let Value::Object(map) = current else { return };
        if i == segs.len() - 1 {
            map.insert(seg.clone(), value);
            return;
        }
        current = map
            .entry(seg.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

struct Doc<'a> {
    contract: &'a Contract,
    frames: Frames<'a>,
}

impl Doc<'_> {
    /// A readable type: TypeScript-like, references linked to their type.
    fn ty(&self, schema: &Value, depth: usize) -> String {
        let obj = match schema {
            Value::Bool(true) => return "any JSON".into(),
            Value::Bool(false) => return "nothing".into(),
            Value::Object(o) => o,
            _ => return "any JSON".into(),
        };
        if depth > 4 {
            return "…".into();
        }
        if let Some(name) = obj.get("$ref").and_then(Value::as_str).and_then(ref_name) {
            return format!("<a href=\"#{}\">{}</a>", anchor("type", &name), esc(&name));
        }
        if let Some(c) = obj.get("const") {
            return esc(&serde_json::to_string(c).unwrap_or_default());
        }
        if let Some(Value::Array(options)) = obj.get("enum") {
            let items: Vec<String> = options
                .iter()
                .map(|v| esc(&serde_json::to_string(v).unwrap_or_default()))
                .collect();
            return items.join(" | ");
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(bs)) = obj.get(key) {
                let items: Vec<String> = bs.iter().map(|b| self.ty(b, depth + 1)).collect();
                return items.join(" | ");
            }
        }
        if let Some(Value::Array(parts)) = obj.get("allOf") {
            let items: Vec<String> = parts.iter().map(|b| self.ty(b, depth + 1)).collect();
            return items.join(" &amp; ");
        }
        let types: Vec<&str> = match obj.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ if obj.contains_key("properties") => vec!["object"],
            _ => return "any JSON".into(),
        };
        let parts: Vec<String> = types
            .iter()
            .map(|t| match *t {
                "array" => {
                    if let Some(Value::Array(prefix)) = obj.get("prefixItems") {
                        let items: Vec<String> =
                            prefix.iter().map(|p| self.ty(p, depth + 1)).collect();
                        format!("[{}]", items.join(", "))
                    } else {
                        let item = obj
                            .get("items")
                            .map(|i| self.ty(i, depth + 1))
                            .unwrap_or_else(|| "any JSON".into());
                        if item.contains(' ') {
                            format!("({item})[]")
                        } else {
                            format!("{item}[]")
                        }
                    }
                }
                "object" => match obj.get("additionalProperties") {
                    Some(extra @ Value::Object(_)) if !obj.contains_key("properties") => {
                        format!("map of {}", self.ty(extra, depth + 1))
                    }
                    _ => "object".into(),
                },
                "string" => match obj.get("format").and_then(Value::as_str) {
                    Some(f) => format!("string <span class=\"opt\">({})</span>", esc(f)),
                    None => "string".into(),
                },
                "integer" => match obj.get("format").and_then(Value::as_str) {
                    Some(f) => format!("integer <span class=\"opt\">({})</span>", esc(f)),
                    None => "integer".into(),
                },
                other => esc(other),
            })
            .collect();
        parts.join(" | ")
    }

    fn constraints(schema: &Value) -> Vec<String> {
        let mut out = Vec::new();
        let Some(obj) = schema.as_object() else {
            return out;
        };
        for (k, label) in [
            ("minLength", "min length"),
            ("maxLength", "max length"),
            ("minimum", "≥"),
            ("maximum", "≤"),
            ("minItems", "min items"),
            ("maxItems", "max items"),
            ("pattern", "pattern"),
            ("default", "default"),
        ] {
            if let Some(v) = obj.get(k) {
                out.push(format!(
                    "{label} {}",
                    serde_json::to_string(v).unwrap_or_default()
                ));
            }
        }
        if obj.get("deprecated") == Some(&Value::Bool(true)) {
            out.push("deprecated".into());
        }
        out
    }

    /// A table of an object schema's fields; a type line for anything else.
    fn fields(&self, schema: &Value) -> String {
        let resolved = resolve(schema, &self.contract.defs);
        let mut out = String::new();
        if let Some(name) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(ref_name)
        {
            let _ = write!(
                out,
                "<div class=\"opt\">type <a href=\"#{}\">{}</a></div>",
                anchor("type", &name),
                esc(&name)
            );
        }
        let props = resolved.get("properties").and_then(Value::as_object);
        match props {
            Some(props) if !props.is_empty() => {
                let required: Vec<&str> = resolved
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                out.push_str("<table><colgroup><col style=\"width:22%\"><col style=\"width:34%\"><col style=\"width:10%\"><col></colgroup><thead><tr><th>field</th><th>type</th><th></th><th>description</th></tr></thead><tbody>");
                for (name, s) in props {
                    let req = required.contains(&name.as_str());
                    let mut desc = s
                        .get("description")
                        .and_then(Value::as_str)
                        .map(prose)
                        .unwrap_or_default();
                    let cons = Self::constraints(s);
                    if !cons.is_empty() {
                        let _ = write!(desc, "<div class=\"opt\">{}</div>", esc(&cons.join(", ")));
                    }
                    let _ = write!(
                        out,
                        "<tr><td class=\"field\">{}</td><td class=\"type\">{}</td><td>{}</td><td>{}</td></tr>",
                        esc(name),
                        self.ty(s, 0),
                        if req { "<span class=\"req\">required</span>" } else { "<span class=\"opt\">optional</span>" },
                        desc
                    );
                }
                out.push_str("</tbody></table>");
                for key in ["oneOf", "anyOf"] {
                    if let Some(branches @ Value::Array(_)) = resolved.get(key) {
                        let union = serde_json::json!({ key: branches });
                        let _ = write!(
                            out,
                            "<div class=\"opt\">and one of: {}</div>",
                            self.ty(&union, 0)
                        );
                    }
                }
            }
            _ => {
                if let Some(Value::Array(branches)) =
                    resolved.get("oneOf").or_else(|| resolved.get("anyOf"))
                {
                    out.push_str("<div>one of:</div>");
                    for b in branches {
                        if b.get("properties").is_some() {
                            out.push_str(&self.fields(b));
                        } else {
                            let _ = write!(
                                out,
                                "<div class=\"type\"><code>{}</code> {}</div>",
                                self.ty(b, 0),
                                b.get("description")
                                    .and_then(Value::as_str)
                                    .map(prose)
                                    .unwrap_or_default()
                            );
                        }
                    }
                } else if resolved.get("type") == Some(&Value::String("object".into()))
                    && resolved.get("additionalProperties") == Some(&Value::Bool(false))
                {
                    out.push_str("<div class=\"empty\">no fields (send <code>{}</code>)</div>");
                } else {
                    let _ = write!(out, "<div class=\"type\">{}</div>", self.ty(resolved, 0));
                }
            }
        }
        out
    }

    fn since(&self, since: &str, dep: Option<&Deprecation>) -> String {
        let mut out = format!("<span class=\"badge\">since {}</span>", esc(since));
        if let Some(d) = dep {
            let _ = write!(
                out,
                "<span class=\"badge dep\">deprecated{}</span>",
                d.since
                    .as_ref()
                    .map(|s| format!(" since {}", esc(s)))
                    .unwrap_or_default()
            );
        }
        out
    }

    fn deprecation(dep: Option<&Deprecation>) -> String {
        match dep {
            Some(d) => format!(
                "<div class=\"deprecation\"><strong>Deprecated</strong>{}{}</div>",
                d.since
                    .as_ref()
                    .map(|s| format!(" since {}", esc(s)))
                    .unwrap_or_default(),
                if d.note.is_empty() {
                    String::new()
                } else {
                    format!(
                        ": {}",
                        prose(&d.note)
                            .trim_start_matches("<p>")
                            .trim_end_matches("</p>")
                    )
                }
            ),
            None => String::new(),
        }
    }

    fn action(&self, name: &str, spec: &frameproof_schema::ActionSpec) -> String {
        let env = &self.contract.envelope;
        let mut rng = Rng::new(seed_of(name));
        let payload = sample(&spec.payload, &self.contract.defs, &mut rng);
        let response = sample(&spec.response, &self.contract.defs, &mut rng);
        let mut out = String::new();
        let search = format!(
            "{} {} {} {}",
            name,
            spec.description,
            spec.rest
                .as_ref()
                .map(|r| format!("{} {}", r.method.as_str(), r.path))
                .unwrap_or_default(),
            spec.emits.join(" ")
        )
        .to_lowercase();
        let _ = write!(
            out,
            "<article class=\"card{}\" id=\"{}\" data-search=\"{}\"><h3><span class=\"name\">{}</span>{}{}{}</h3>",
            if spec.deprecated.is_some() { " deprecated" } else { "" },
            anchor("action", name),
            esc(&search),
            esc(name),
            if spec.websocket { "<span class=\"badge ws\">WebSocket</span>" } else { "" },
            if spec.rest.is_some() { "<span class=\"badge rest\">REST</span>" } else { "" },
            self.since(&spec.since, spec.deprecated.as_ref()),
        );
        let _ = write!(
            out,
            "<div class=\"desc\">{}</div>",
            prose(&spec.description)
        );
        out.push_str(&Self::deprecation(spec.deprecated.as_ref()));
        out.push_str("<div class=\"forms\">");
        if spec.websocket {
            let mut request = Value::Object(Map::new());
            set_pointer(&mut request, &env.request.id, Value::String("req_1".into()));
            set_pointer(
                &mut request,
                &env.request.action,
                Value::String(name.into()),
            );
            set_pointer(&mut request, &env.request.payload, payload.clone());
            for (p, v) in &env.request.constants {
                set_pointer(&mut request, p, v.clone());
            }
            let mut ok = Value::Object(Map::new());
            set_pointer(&mut ok, &env.response.id, Value::String("req_1".into()));
            if let Some(s) = &env.response.status {
                set_pointer(&mut ok, &s.pointer, s.ok.clone());
            }
            set_pointer(&mut ok, &env.response.data, response.clone());
            for (p, v) in &env.response.constants {
                set_pointer(&mut ok, p, v.clone());
            }
            let _ = write!(
                out,
                "<div class=\"form ws\"><h5>WebSocket</h5><div class=\"opt\">send</div><pre><code>{}</code></pre><div class=\"opt\">receive</div><pre><code>{}</code></pre></div>",
                esc(&pretty(&request)),
                esc(&pretty(&ok))
            );
        }
        if let Some(route) = &spec.rest {
            let mut block = format!(
                "<div class=\"form rest\"><h5>REST</h5><div class=\"route\"><span class=\"method\">{}</span>{}</div>",
                route.method.as_str(),
                esc(&route.path)
            );
            let mut notes = Vec::new();
            if !route.path_params.is_empty() {
                notes.push(format!(
                    "path: {}",
                    route
                        .path_params
                        .iter()
                        .map(|p| format!("<code>{}</code>", esc(p)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if !route.query_params.is_empty() {
                notes.push(format!(
                    "query: {}",
                    route
                        .query_params
                        .iter()
                        .map(|p| format!("<code>{}</code>", esc(p)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if route.body {
                notes.push("JSON body: the other payload fields".into());
            }
            if !notes.is_empty() {
                let _ = write!(block, "<div class=\"opt\">{}</div>", notes.join(" · "));
            }
            if let Ok(req) = self.contract.rest_request(name, &payload) {
                let query: Vec<String> =
                    req.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
                let anonymous =
                    self.contract.transport.auth.refresh_action.as_deref() == Some(name);
                let mut text = format!(
                    "{} {}{}{}",
                    req.method.as_str(),
                    req.path,
                    if query.is_empty() { "" } else { "?" },
                    query.join("&"),
                );
                if !anonymous {
                    let _ = write!(
                        text,
                        "\n{} <token>",
                        self.contract.transport.auth.rest_header
                    );
                }
                if let Some(body) = &req.body {
                    let _ = write!(text, "\nContent-Type: application/json\n\n{}", pretty(body));
                }
                let _ = write!(block, "<pre><code>{}</code></pre>", esc(&text));
                let _ = write!(
                    block,
                    "<div class=\"opt\">200 OK</div><pre><code>{}</code></pre>",
                    esc(&pretty(&response))
                );
            }
            block.push_str("</div>");
            out.push_str(&block);
        }
        out.push_str("</div>");
        out.push_str("<h4 class=\"part\">Payload</h4>");
        out.push_str(&self.fields(&spec.payload));
        out.push_str("<h4 class=\"part\">Response</h4>");
        out.push_str(&self.fields(&spec.response));
        out.push_str("<h4 class=\"part\">Errors</h4><table><colgroup><col style=\"width:22%\"><col style=\"width:10%\"><col></colgroup><thead><tr><th>code</th><th>HTTP</th><th>meaning</th></tr></thead><tbody>");
        for code in &spec.errors {
            let e = self.contract.errors.get(code);
            let _ = write!(
                out,
                "<tr><td class=\"code\"><a href=\"#{}\">{}</a></td><td>{}</td><td>{}</td></tr>",
                anchor("error", code),
                esc(code),
                e.map(|e| e.status.to_string()).unwrap_or_default(),
                e.map(|e| prose(&e.description)).unwrap_or_default()
            );
        }
        let any: Vec<String> = self
            .contract
            .errors
            .iter()
            .filter(|(_, e)| e.any_action)
            .map(|(c, _)| {
                format!(
                    "<a href=\"#{}\"><code>{}</code></a>",
                    anchor("error", c),
                    esc(c)
                )
            })
            .collect();
        let _ = write!(
            out,
            "<tr><td colspan=\"3\" class=\"opt\">and the protocol errors any request may get: {}</td></tr></tbody></table>",
            any.join(", ")
        );
        if !spec.emits.is_empty() {
            let emits: Vec<String> = spec
                .emits
                .iter()
                .map(|e| {
                    format!(
                        "<a href=\"#{}\"><code>{}</code></a>",
                        anchor("event", e),
                        esc(e)
                    )
                })
                .collect();
            let _ = write!(
                out,
                "<h4 class=\"part\">Emits</h4><div>{}</div>",
                emits.join(", ")
            );
        }
        out.push_str("</article>");
        out
    }

    fn event(&self, name: &str, spec: &frameproof_schema::EventSpec) -> String {
        let mut rng = Rng::new(seed_of(name));
        let frame = self.frames.sample_event(name, spec, &mut rng);
        let scope = match &spec.scope {
            Scope::Tenant => "tenant".to_owned(),
            Scope::Topic { pattern } => format!("topic {pattern}"),
            Scope::Connection => "connection".to_owned(),
            Scope::Subscription { .. } => "subscription".to_owned(),
        };
        let scope_text = match &spec.scope {
            Scope::Tenant => "Every connection of the acting user's organisation.".to_owned(),
            Scope::Topic { pattern } => format!("Connections subscribed to a topic matching `{pattern}` (subscribe with a `subscribe` control frame)."),
            Scope::Connection => "Only the connection concerned.".to_owned(),
            Scope::Subscription { id } => format!("The connection that opened the subscription whose id the data carries at `{id}`."),
        };
        let mut out = String::new();
        let _ = write!(
            out,
            "<article class=\"card{}\" id=\"{}\" data-search=\"{}\"><h3><span class=\"name\">{}</span><span class=\"badge scope\">{}</span>{}</h3>",
            if spec.deprecated.is_some() { " deprecated" } else { "" },
            anchor("event", name),
            esc(&format!("{name} {} {scope} event", spec.description).to_lowercase()),
            esc(name),
            esc(&scope),
            self.since(&spec.since, spec.deprecated.as_ref())
        );
        let _ = write!(
            out,
            "<div class=\"desc\">{}{}</div>",
            prose(&spec.description),
            prose(&scope_text)
        );
        out.push_str(&Self::deprecation(spec.deprecated.as_ref()));
        let emitted_by: Vec<String> = self
            .contract
            .actions
            .iter()
            .filter(|(_, a)| a.emits.iter().any(|e| e == name))
            .map(|(a, _)| {
                format!(
                    "<a href=\"#{}\"><code>{}</code></a>",
                    anchor("action", a),
                    esc(a)
                )
            })
            .collect();
        if !emitted_by.is_empty() {
            let _ = write!(
                out,
                "<div class=\"opt\">emitted by {}</div>",
                emitted_by.join(", ")
            );
        }
        let _ = write!(out, "<div class=\"forms\"><div class=\"form ws\"><h5>Frame</h5><pre><code>{}</code></pre></div></div>", esc(&pretty(&frame)));
        out.push_str("<h4 class=\"part\">Data</h4>");
        out.push_str(&self.fields(&spec.data));
        out.push_str("</article>");
        out
    }

    fn type_card(&self, name: &str, schema: &Value) -> String {
        let mut out = String::new();
        let desc = schema
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let _ = write!(
            out,
            "<article class=\"card\" id=\"{}\" data-search=\"{}\"><h3><span class=\"name\">{}</span><span class=\"badge\">type</span></h3><div class=\"desc\">{}</div>",
            anchor("type", name),
            esc(&format!("{name} {desc} type").to_lowercase()),
            esc(name),
            prose(desc)
        );
        out.push_str(&self.fields(schema));
        out.push_str("</article>");
        out
    }

    fn connection(&self) -> String {
        let t = &self.contract.transport;
        let mut auth = Vec::new();
        for m in &t.auth.methods {
            auth.push(match m {
                AuthMethod::Query { param } => format!("token in the query string: <code>{}?{}=&lt;token&gt;</code>", esc(&t.websocket.path), esc(param)),
                AuthMethod::FirstMessage { timeout_ms } => format!("an <code>auth</code> control frame as the first message, within {timeout_ms} ms"),
                AuthMethod::Ticket { action, param } => format!("a ticket from <code>{}</code> as <code>?{}=</code>", esc(action), esc(param)),
                AuthMethod::Header { name } => format!("the <code>{}</code> handshake header", esc(name)),
            });
        }
        let mut out = String::from("<article class=\"card\" id=\"connection\" data-search=\"connection websocket rest auth token heartbeat refresh\"><dl class=\"kv\">");
        let _ = write!(
            out,
            "<dt>WebSocket</dt><dd><code>{}</code>{}</dd>",
            esc(&t.websocket.path),
            t.websocket
                .max_frame_bytes
                .map(|m| format!(" · frames up to {m} bytes"))
                .unwrap_or_default()
        );
        let _ = write!(
            out,
            "<dt>REST</dt><dd>base path <code>{}</code> · <code>{} &lt;token&gt;</code></dd>",
            esc(&t.rest.base_path),
            esc(&t.auth.rest_header)
        );
        let _ = write!(
            out,
            "<dt>authentication</dt><dd>{}</dd>",
            auth.join("; or ")
        );
        if let (Some(ev), Some(act)) = (&t.auth.expired_event, &t.auth.refresh_action) {
            let _ = write!(
                out,
                "<dt>token refresh</dt><dd>on <a href=\"#{}\"><code>{}</code></a>: call <a href=\"#{}\"><code>{}</code></a>, then send <code>{{\"type\":\"auth\",\"token\":…}}</code> on the same socket</dd>",
                anchor("event", ev), esc(ev), anchor("action", act), esc(act)
            );
        }
        let _ = write!(out, "<dt>heartbeat</dt><dd>the server pings every {} ms; no answer within {} ms closes the connection</dd>", t.heartbeat.interval_ms, t.heartbeat.timeout_ms);
        let _ = write!(
            out,
            "<dt>envelope</dt><dd>profile <code>{}</code></dd>",
            esc(&self.contract.envelope.profile)
        );
        out.push_str("</dl></article>");
        out
    }
}

/// The HTML reference of a contract, as one self-contained file.
pub fn html_reference(contract: &Contract) -> String {
    let doc = Doc {
        contract,
        frames: Frames::new(contract),
    };
    let mut groups: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
    for name in contract.actions.keys() {
        groups
            .entry(name.split('.').next().unwrap_or(name))
            .or_default()
            .push(name);
    }
    let mut nav = String::new();
    let mut main = String::new();
    let _ = write!(
        main,
        "<section data-group=\"connection\"><h2>Connection</h2>{}</section>",
        doc.connection()
    );
    for (group, names) in &groups {
        let _ = write!(nav, "<div data-group-nav><h4>{}</h4><ul>", esc(group));
        let _ = write!(
            main,
            "<section data-group=\"{}\"><h2>{} <span class=\"opt\">actions</span></h2>",
            esc(group),
            esc(group)
        );
        for name in names {
            let spec = &contract.actions[*name];
            let _ = write!(
                nav,
                "<li data-target=\"{}\"{}><a href=\"#{}\">{}</a></li>",
                anchor("action", name),
                if spec.deprecated.is_some() {
                    " class=\"deprecated\""
                } else {
                    ""
                },
                anchor("action", name),
                esc(name)
            );
            main.push_str(&doc.action(name, spec));
        }
        nav.push_str("</ul></div>");
        main.push_str("</section>");
    }
    nav.push_str("<div data-group-nav><h4>events</h4><ul>");
    main.push_str("<section data-group=\"events\"><h2>Events</h2>");
    for (name, spec) in &contract.events {
        let _ = write!(
            nav,
            "<li data-target=\"{}\"{}><a href=\"#{}\">{}</a></li>",
            anchor("event", name),
            if spec.deprecated.is_some() {
                " class=\"deprecated\""
            } else {
                ""
            },
            anchor("event", name),
            esc(name)
        );
        main.push_str(&doc.event(name, spec));
    }
    nav.push_str("</ul></div>");
    main.push_str("</section>");
    main.push_str("<section data-group=\"errors\"><h2>Errors</h2><article class=\"card\" id=\"errors\" data-search=\"errors codes status");
    for (code, e) in &contract.errors {
        let _ = write!(main, " {} {}", esc(code), e.status);
    }
    main.push_str("\"><table><thead><tr><th>code</th><th>HTTP</th><th>any request</th><th>JSON-RPC</th><th>meaning</th></tr></thead><tbody>");
    for (code, e) in &contract.errors {
        let _ = write!(
            main,
            "<tr id=\"{}\"><td class=\"code\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            anchor("error", code),
            esc(code),
            e.status,
            if e.any_action { "yes" } else { "" },
            e.rpc_code.map(|n| n.to_string()).unwrap_or_default(),
            prose(&e.description)
        );
    }
    main.push_str("</tbody></table></article></section>");
    nav.push_str("<div data-group-nav><h4>types</h4><ul>");
    main.push_str("<section data-group=\"types\"><h2>Types</h2>");
    for (name, schema) in &contract.defs {
        let _ = write!(
            nav,
            "<li data-target=\"{}\"><a href=\"#{}\">{}</a></li>",
            anchor("type", name),
            anchor("type", name),
            esc(name)
        );
        main.push_str(&doc.type_card(name, schema));
    }
    nav.push_str("</ul></div>");
    main.push_str("</section>");

    let title = format!("{} {} — API reference", contract.name, contract.version);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"frameproof-codegen\">\n<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<header class=\"top\"><h1>{name}<span class=\"version\">{version}</span></h1>{desc}<div class=\"meta\">frameproof contract · envelope <code>{profile}</code> · {fingerprint}</div></header>\n<div class=\"layout\">\n<nav><input id=\"search\" type=\"search\" placeholder=\"Search… (press /)\" aria-label=\"Search\" autocomplete=\"off\"><div id=\"count\" class=\"count\"></div><div data-group-nav><h4>overview</h4><ul><li data-target=\"connection\"><a href=\"#connection\">connection</a></li><li data-target=\"errors\"><a href=\"#errors\">errors</a></li></ul></div>{nav}</nav>\n<main>{main}</main>\n</div>\n<script>{JS}</script>\n</body>\n</html>\n",
        title = esc(&title),
        name = esc(&contract.name),
        version = esc(&contract.version),
        desc = if contract.description.is_empty() { String::new() } else { prose(&contract.description) },
        profile = esc(&contract.envelope.profile),
        fingerprint = esc(&contract.fingerprint),
    )
}

// The live console. Everything it knows of the API comes from the contract embedded in the page
// (#fp-contract): where a frame carries its id, action, payload, data, error and event name
// (the envelope's JSON pointers, so a JSON-RPC contract works as well as frameproof's own), how
// to authenticate, and the schema of every frame a server may send. It opens no connection and
// sends no request until the person using the page clicks connect or send.
(function () {
  'use strict';
  var source = document.getElementById('fp-contract');
  if (!source) return;
  var contract = JSON.parse(source.textContent);
  var envelope = contract.envelope;
  var transport = contract.transport;
  var $ = function (id) { return document.getElementById(id); };
  var socket = null;
  var pending = {}; // JSON of a request id → the action it asked for
  var sent = 0;
  var fields = []; // the controls of the current payload form

  // --- JSON pointers -------------------------------------------------------------------------
  function segments(pointer) {
    if (!pointer) return [];
    return pointer.slice(1).split('/').map(function (s) { return s.replace(/~1/g, '/').replace(/~0/g, '~'); });
  }
  function getAt(value, pointer) {
    return segments(pointer).reduce(function (v, s) {
      return v !== null && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, s) ? v[s] : undefined;
    }, value);
  }
  // Sets a member, creating the objects on the way; the empty pointer merges into the frame.
  function setAt(frame, pointer, value) {
    var path = segments(pointer);
    if (path.length === 0) {
      if (value && typeof value === 'object' && !Array.isArray(value)) Object.assign(frame, value);
      return frame;
    }
    var current = frame;
    path.slice(0, -1).forEach(function (s) {
      if (current[s] === null || typeof current[s] !== 'object') current[s] = {};
      current = current[s];
    });
    current[path[path.length - 1]] = value;
    return frame;
  }
  function equal(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function check(schema, value) { return FrameproofSchema.validate(schema, value, contract.defs); }

  // --- the server fields, prefilled from the contract's paths -------------------------------
  function prefill() {
    var served = location.protocol === 'http:' || location.protocol === 'https:';
    var host = served ? location.host : 'localhost:8080';
    var secure = location.protocol === 'https:';
    $('fp-ws-url').value = (secure ? 'wss://' : 'ws://') + host + transport.websocket.path;
    $('fp-rest-url').value = (secure ? 'https://' : 'http://') + host + transport.rest.base_path;
    var labels = {
      query: function (m) { return 'token in the URL (?' + m.param + '=)'; },
      first_message: function () { return 'an auth frame first'; },
      header: function (m) { return m.name + ' header (browsers cannot set it)'; },
      ticket: function (m) { return 'a ticket from ' + m.action + ' (not in this console)'; },
    };
    var select = $('fp-auth');
    transport.auth.methods.forEach(function (m) {
      var option = new Option(labels[m.kind] ? labels[m.kind](m) : m.kind, m.kind);
      option.disabled = m.kind === 'header' || m.kind === 'ticket';
      select.add(option);
    });
    select.add(new Option('none', 'none'));
  }

  // --- the log ---------------------------------------------------------------------------------
  function clock() {
    var d = new Date();
    var two = function (n) { return String(n).padStart(2, '0'); };
    return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds()) + '.' + String(d.getMilliseconds()).padStart(3, '0');
  }
  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  // One log entry: `entry` = {dir: 'in'|'out'|'note', via, label, body, violations}.
  // `violations` undefined: not checked (a note, or a frame of ours).
  function log(entry) {
    var item = element('li', 'entry ' + entry.dir);
    item.dataset.dir = entry.dir;
    item.dataset.label = entry.label;
    var head = element('div', 'entry-head');
    head.appendChild(element('span', 'time', clock()));
    head.appendChild(element('span', 'arrow', entry.dir === 'in' ? '←' : entry.dir === 'out' ? '→' : '·'));
    if (entry.via) head.appendChild(element('span', 'badge ' + (entry.via === 'REST' ? 'rest' : 'ws'), entry.via));
    head.appendChild(element('span', 'label', entry.label));
    item.appendChild(head);
    var row = element('div', 'entry-row');
    if (entry.body !== undefined) {
      var frame = element('div', 'frame');
      var frameHead = element('div', 'frame-head');
      var copy = element('button', 'copy', 'copy');
      copy.type = 'button';
      frameHead.appendChild(copy);
      frame.appendChild(frameHead);
      var pre = element('pre');
      pre.appendChild(element('code', '', typeof entry.body === 'string' ? entry.body : JSON.stringify(entry.body, null, 2)));
      frame.appendChild(pre);
      row.appendChild(frame);
    }
    if (entry.violations !== undefined) row.appendChild(verdict(entry.violations));
    item.dataset.verdict = entry.violations === undefined ? 'unchecked' : entry.violations.length ? 'violation' : 'ok';
    item.appendChild(row);
    var list = $('fp-log');
    list.insertBefore(item, list.firstChild);
  }
  function verdict(violations) {
    var box = element('div', 'verdict ' + (violations.length ? 'bad' : 'good'));
    if (violations.length === 0) {
      box.textContent = '✓ conforms to the contract';
      return box;
    }
    box.appendChild(element('div', 'verdict-title', '✗ ' + violations.length + (violations.length === 1 ? ' violation' : ' violations') + ' of the contract'));
    var list = element('ul', 'violations');
    violations.forEach(function (v) {
      var li = element('li');
      li.appendChild(element('code', 'pointer', v.pointer === '' ? '(whole frame)' : v.pointer));
      li.appendChild(document.createTextNode(' ' + v.message));
      list.appendChild(li);
    });
    box.appendChild(list);
    return box;
  }
  function status(state, text) {
    var s = $('fp-status');
    s.dataset.state = state;
    s.textContent = text;
    $('fp-connect').disabled = state === 'connecting' || state === 'connected';
    $('fp-disconnect').disabled = !(state === 'connecting' || state === 'connected');
  }

  // --- reading what the server sends ----------------------------------------------------------
  function serverControl(frame) {
    return envelope.control.filter(function (c) {
      return c.direction === 'server' && Object.keys(c.when).every(function (p) { return equal(getAt(frame, p), c.when[p]); });
    })[0];
  }
  // What a server frame is, and the violations of the contract it shows.
  function classify(frame) {
    var control = serverControl(frame);
    if (control) return { label: control.kind, violations: check(control.schema, frame) };
    var eventName = getAt(frame, envelope.event.name);
    if (typeof eventName === 'string') {
      var eventSchema = contract.events[eventName];
      if (!eventSchema) {
        return { label: 'event ' + eventName, violations: [{ pointer: envelope.event.name, message: 'no event ' + JSON.stringify(eventName) + ' in the contract' }] };
      }
      return { label: 'event ' + eventName, violations: check(eventSchema, frame) };
    }
    var id = getAt(frame, envelope.response.id);
    var action = id === undefined ? undefined : pending[JSON.stringify(id)];
    var status = envelope.response.status;
    var isError = status ? equal(getAt(frame, status.pointer), status.error) : getAt(frame, envelope.response.error) !== undefined;
    if (action) delete pending[JSON.stringify(id)];
    if (isError) {
      var errorSchema = action ? contract.actions[action].error_frame : contract.unknown_error_frame;
      var code = getAt(getAt(frame, envelope.response.error), envelope.response.error_code);
      return { label: 'error ' + JSON.stringify(code) + (action ? ' to ' + action : ''), violations: check(errorSchema, frame) };
    }
    if (!action) {
      return { label: 'response', violations: [{ pointer: envelope.response.id, message: 'answers no request this console sent (id ' + JSON.stringify(id) + ')' }] };
    }
    return { label: 'response to ' + action, violations: check(contract.actions[action].ok_frame, frame) };
  }
  function received(text) {
    var frame;
    try {
      frame = JSON.parse(text);
    } catch (e) {
      log({ dir: 'in', via: 'WebSocket', label: 'text', body: text, violations: [{ pointer: '', message: 'not JSON: ' + e.message }] });
      return;
    }
    var seen = classify(frame);
    log({ dir: 'in', via: 'WebSocket', label: seen.label, body: frame, violations: seen.violations });
  }

  // --- connecting --------------------------------------------------------------------------
  function authFrame(token) {
    var control = envelope.control.filter(function (c) { return c.kind === 'auth' && c.direction === 'client'; })[0];
    if (!control || !control.token) return null;
    var frame = {};
    Object.keys(control.when).forEach(function (p) { setAt(frame, p, control.when[p]); });
    return setAt(frame, control.token, token);
  }
  function connect() {
    var method = $('fp-auth').value;
    var token = $('fp-token').value;
    var url;
    try {
      url = new URL($('fp-ws-url').value);
    } catch (e) {
      status('closed', 'not a URL: ' + $('fp-ws-url').value);
      return;
    }
    if (method === 'query' && token) {
      var query = transport.auth.methods.filter(function (m) { return m.kind === 'query'; })[0];
      url.searchParams.set(query.param, token);
    }
    status('connecting', 'connecting…');
    var ws;
    try {
      ws = new WebSocket(url.href);
    } catch (e) {
      status('closed', 'cannot connect: ' + e.message);
      return;
    }
    socket = ws;
    ws.onopen = function () {
      status('connected', 'connected to ' + url.origin + url.pathname);
      log({ dir: 'note', label: 'connected to ' + url.origin + url.pathname });
      if (method === 'first_message') {
        var auth = authFrame(token);
        if (auth) {
          ws.send(JSON.stringify(auth));
          log({ dir: 'out', via: 'WebSocket', label: 'auth', body: auth });
        }
      }
    };
    ws.onmessage = function (e) { received(typeof e.data === 'string' ? e.data : '(a binary frame)'); };
    ws.onclose = function (e) {
      if (socket === ws) socket = null;
      status('closed', 'closed' + (e.code ? ' (' + e.code + (e.reason ? ' ' + e.reason : '') + ')' : ''));
      log({ dir: 'note', label: 'connection closed, code ' + e.code + (e.reason ? ': ' + e.reason : '') });
    };
  }
  function disconnect() {
    if (socket) socket.close(1000, 'closed from the console');
  }

  // --- the payload form --------------------------------------------------------------------
  function resolve(schema) {
    var depth = 0;
    while (schema && schema.$ref && depth++ < 16) {
      var name = decodeURIComponent(schema.$ref.replace('#/$defs/', '')).replace(/~1/g, '/').replace(/~0/g, '~');
      schema = contract.defs[name];
    }
    return schema || {};
  }
  // How a field is edited: a choice, a text or number input, or JSON text for anything else.
  function fieldKind(schema) {
    if (Array.isArray(schema.enum) || schema.const !== undefined) return 'choice';
    var types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
    var plain = types.filter(function (t) { return t !== 'null'; });
    if (plain.length !== 1) return 'json';
    if (plain[0] === 'boolean') return 'boolean';
    if (plain[0] === 'string') return 'string';
    if (plain[0] === 'integer' || plain[0] === 'number') return 'number';
    return 'json';
  }
  function control(kind, schema, value, required) {
    if (kind === 'choice' || kind === 'boolean') {
      var select = element('select');
      var options = kind === 'boolean' ? [true, false] : schema.const !== undefined ? [schema.const] : schema.enum;
      if (!required || options.indexOf(null) < 0 && Array.isArray(schema.type) && schema.type.indexOf('null') >= 0) {
        select.add(new Option(required ? 'null' : '(leave out)', ''));
      }
      options.forEach(function (o) { select.add(new Option(JSON.stringify(o), JSON.stringify(o))); });
      if (value !== undefined && options.some(function (o) { return equal(o, value); })) select.value = JSON.stringify(value);
      return select;
    }
    if (kind === 'json') {
      var area = element('textarea');
      area.rows = 3;
      area.spellcheck = false;
      area.value = value === undefined ? '' : JSON.stringify(value, null, 2);
      return area;
    }
    var input = element('input');
    input.type = kind === 'number' ? 'number' : 'text';
    input.spellcheck = false;
    if (schema.format) input.placeholder = schema.format;
    if (value !== undefined && value !== null) input.value = String(value);
    return input;
  }
  function buildForm(action) {
    var spec = contract.actions[action];
    var form = $('fp-form');
    form.textContent = '';
    fields = [];
    $('fp-form-error').textContent = '';
    $('fp-send-ws').disabled = !spec.websocket;
    $('fp-send-rest').disabled = !spec.rest;
    var schema = resolve(spec.payload);
    var example = spec.example;
    var props = schema.properties;
    if (!props || Object.keys(props).length === 0 || fieldKind(schema) !== 'json' && schema.type !== 'object') {
      var whole = control('json', schema, example, true);
      whole.dataset.field = '';
      whole.rows = 4;
      form.appendChild(labelled('payload (JSON)', whole));
      fields.push({ name: null, kind: 'json', required: true, input: whole });
      return;
    }
    var required = schema.required || [];
    Object.keys(props).forEach(function (name) {
      var fieldSchema = resolve(props[name]);
      var kind = fieldKind(fieldSchema);
      var isRequired = required.indexOf(name) >= 0;
      var value = example && typeof example === 'object' ? example[name] : undefined;
      var input = control(kind, fieldSchema, value, isRequired);
      input.dataset.field = name;
      input.name = name;
      var types = Array.isArray(fieldSchema.type) ? fieldSchema.type : [fieldSchema.type];
      fields.push({ name: name, kind: kind, required: isRequired, nullable: types.indexOf('null') >= 0, input: input });
      form.appendChild(labelled(name + (isRequired ? ' *' : '') + (kind === 'json' ? ' (JSON)' : ''), input));
    });
  }
  function labelled(text, input) {
    var label = element('label', 'field');
    label.appendChild(element('span', 'field-name', text));
    label.appendChild(input);
    return label;
  }
  // The payload the form holds; throws an Error that names the field it cannot read.
  function readForm() {
    if (fields.length === 1 && fields[0].name === null) {
      var text = fields[0].input.value.trim();
      try { return text === '' ? null : JSON.parse(text); } catch (e) { throw new Error('the payload is not JSON: ' + e.message); }
    }
    var payload = {};
    fields.forEach(function (f) {
      var raw = f.input.value;
      if (raw.trim() === '' && f.kind !== 'string') {
        if (f.required && f.nullable) payload[f.name] = null;
        else if (f.required && f.kind !== 'choice' && f.kind !== 'boolean') throw new Error(f.name + ' is required');
        return;
      }
      if (raw === '' && f.kind === 'string' && !f.required) return;
      if (f.kind === 'string') payload[f.name] = raw;
      else if (f.kind === 'number') payload[f.name] = Number(raw);
      else {
        try { payload[f.name] = JSON.parse(raw); } catch (e) { throw new Error(f.name + ' is not JSON: ' + e.message); }
      }
    });
    return payload;
  }

  // --- sending -----------------------------------------------------------------------------
  function nextId() {
    sent += 1;
    var idTypes = [].concat(envelope.request.id_schema.type || 'string');
    return idTypes.indexOf('string') >= 0 ? 'console-' + sent : sent;
  }
  function withPayload(send) {
    $('fp-form-error').textContent = '';
    var payload;
    try {
      payload = readForm();
    } catch (e) {
      $('fp-form-error').textContent = e.message;
      return;
    }
    send($('fp-action').value, payload);
  }
  function sendWebSocket(action, payload) {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      $('fp-form-error').textContent = 'connect first';
      return;
    }
    var id = nextId();
    var frame = {};
    Object.keys(envelope.request.constants || {}).forEach(function (p) { setAt(frame, p, envelope.request.constants[p]); });
    setAt(frame, envelope.request.id, id);
    setAt(frame, envelope.request.action, action);
    setAt(frame, envelope.request.payload, payload);
    pending[JSON.stringify(id)] = action;
    socket.send(JSON.stringify(frame));
    log({ dir: 'out', via: 'WebSocket', label: action, body: frame, violations: check(contract.actions[action].request_frame, frame) });
  }
  // The method, URL and body of an action over REST, from its route and payload.
  function restRequest(route, payload) {
    var fieldsOf = payload && typeof payload === 'object' && !Array.isArray(payload) ? payload : {};
    var path = route.path.replace(/\{([^}]+)\}/g, function (_, name) {
      if (fieldsOf[name] === undefined) throw new Error('the payload has no ' + name + ' for the path');
      return encodeURIComponent(String(fieldsOf[name]));
    });
    var base = transport.rest.base_path;
    if (base && path.indexOf(base) === 0) path = path.slice(base.length);
    var rest = {};
    Object.keys(fieldsOf).forEach(function (k) { if (route.path_params.indexOf(k) < 0) rest[k] = fieldsOf[k]; });
    var url = new URL($('fp-rest-url').value.replace(/\/+$/, '') + path);
    if (route.body) return { method: route.method, url: url, body: JSON.stringify(Array.isArray(payload) ? payload : rest) };
    Object.keys(rest).forEach(function (k) {
      var v = rest[k];
      if (v === null) return;
      [].concat(v).forEach(function (item) {
        url.searchParams.append(k, typeof item === 'object' ? JSON.stringify(item) : String(item));
      });
    });
    return { method: route.method, url: url, body: undefined };
  }
  function sendRest(action, payload) {
    var spec = contract.actions[action];
    var request;
    try {
      request = restRequest(spec.rest, payload);
    } catch (e) {
      $('fp-form-error').textContent = e.message;
      return;
    }
    var headers = {};
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    var token = $('fp-token').value;
    if (token && transport.auth.refresh_action !== action) {
      var colon = transport.auth.rest_header.indexOf(':');
      var name = colon < 0 ? transport.auth.rest_header : transport.auth.rest_header.slice(0, colon);
      var scheme = colon < 0 ? '' : transport.auth.rest_header.slice(colon + 1).trim();
      headers[name.trim()] = scheme ? scheme + ' ' + token : token;
    }
    var line = request.method + ' ' + request.url.pathname + request.url.search;
    log({ dir: 'out', via: 'REST', label: action + ': ' + line, body: request.body === undefined ? line : line + '\n\n' + request.body });
    fetch(request.url.href, { method: request.method, headers: headers, body: request.body }).then(function (response) {
      return response.text().then(function (text) {
        var body;
        try { body = text === '' ? null : JSON.parse(text); } catch (e) {
          log({ dir: 'in', via: 'REST', label: response.status + ' to ' + action, body: text, violations: [{ pointer: '', message: 'the body is not JSON' }] });
          return;
        }
        var schema = response.ok ? spec.response : spec.rest_error;
        log({ dir: 'in', via: 'REST', label: response.status + ' to ' + action, body: body, violations: check(schema, body) });
      });
    }, function (e) {
      log({ dir: 'note', via: 'REST', label: 'the request failed: ' + e.message + ' (a page opened from a file reaches a server only if it allows cross-origin requests)' });
    });
  }

  // --- wiring ------------------------------------------------------------------------------
  function choose(action) {
    $('fp-action').value = action;
    buildForm(action);
  }
  prefill();
  Object.keys(contract.actions).forEach(function (name) { $('fp-action').add(new Option(name, name)); });
  var first = Object.keys(contract.actions)[0];
  if (first) choose(first);
  $('fp-action').addEventListener('change', function () { buildForm($('fp-action').value); });
  $('fp-connect').addEventListener('click', connect);
  $('fp-disconnect').addEventListener('click', disconnect);
  $('fp-send-ws').addEventListener('click', function () { withPayload(sendWebSocket); });
  $('fp-send-rest').addEventListener('click', function () { withPayload(sendRest); });
  $('fp-clear').addEventListener('click', function () { $('fp-log').textContent = ''; });
  document.addEventListener('click', function (e) {
    var button = e.target.closest && e.target.closest('button.try');
    if (!button) return;
    choose(button.dataset.action);
    $('console').scrollIntoView({ behavior: 'smooth', block: 'start' });
  });
  status('closed', 'not connected');
})();

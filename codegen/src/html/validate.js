// A checker for the JSON Schema subset frameproof contracts use: type, properties, required,
// additionalProperties, patternProperties, items, prefixItems, enum, const, anyOf, oneOf,
// allOf, not, $ref into the contract's $defs, formats date-time/date/uuid, numeric bounds,
// lengths, pattern. It reports every violation with the JSON pointer of the value at fault.
// No dependencies: the page must work offline from a single file.
var FrameproofSchema = (function () {
  'use strict';

  function escapeSegment(segment) {
    return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
  }

  function typeOf(value) {
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'array';
    if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
    return typeof value;
  }

  function hasType(value, type) {
    var actual = typeOf(value);
    if (type === 'number') return actual === 'number' || actual === 'integer';
    return actual === type;
  }

  function equal(a, b) {
    if (a === b) return true;
    if (typeOf(a) !== typeOf(b) || a === null || typeof a !== 'object') return false;
    if (Array.isArray(a)) {
      return a.length === b.length && a.every(function (x, i) { return equal(x, b[i]); });
    }
    var keys = Object.keys(a);
    return keys.length === Object.keys(b).length &&
      keys.every(function (k) { return Object.prototype.hasOwnProperty.call(b, k) && equal(a[k], b[k]); });
  }

  // RFC 3339: a date, a time with seconds, and an offset (Z or ±hh:mm).
  var DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
  var DATE = /^\d{4}-\d{2}-\d{2}$/;
  var UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
  var FORMATS = { 'date-time': DATE_TIME, date: DATE, uuid: UUID };

  function short(value) {
    var text = JSON.stringify(value);
    return text === undefined ? String(value) : (text.length > 40 ? text.slice(0, 37) + '…' : text);
  }

  function Checker(defs) {
    this.defs = defs || {};
  }

  Checker.prototype.resolve = function (ref) {
    var prefix = '#/$defs/';
    if (typeof ref !== 'string' || ref.indexOf(prefix) !== 0) return undefined;
    var name = decodeURIComponent(ref.slice(prefix.length)).replace(/~1/g, '/').replace(/~0/g, '~');
    return this.defs[name];
  };

  // Appends {pointer, message} to `out` for every way `value` fails `schema`.
  Checker.prototype.check = function (schema, value, pointer, out, depth) {
    if (depth > 64) return;
    if (schema === true || schema === undefined) return;
    if (schema === false) {
      out.push({ pointer: pointer, message: 'no value is allowed here' });
      return;
    }
    if (schema.$ref !== undefined) {
      var target = this.resolve(schema.$ref);
      if (target === undefined) out.push({ pointer: pointer, message: 'the contract has no ' + schema.$ref });
      else this.check(target, value, pointer, out, depth + 1);
    }
    if (schema.type !== undefined) {
      var types = Array.isArray(schema.type) ? schema.type : [schema.type];
      if (!types.some(function (t) { return hasType(value, t); })) {
        out.push({ pointer: pointer, message: 'expected ' + types.join(' or ') + ', got ' + typeOf(value) + ' ' + short(value) });
        return;
      }
    }
    if (schema.const !== undefined && !equal(schema.const, value)) {
      out.push({ pointer: pointer, message: 'must be ' + short(schema.const) + ', got ' + short(value) });
    }
    if (Array.isArray(schema.enum) && !schema.enum.some(function (e) { return equal(e, value); })) {
      out.push({ pointer: pointer, message: short(value) + ' is not one of ' + schema.enum.map(short).join(', ') });
    }
    this.combinators(schema, value, pointer, out, depth);
    var kind = typeOf(value);
    if (kind === 'object') this.object(schema, value, pointer, out, depth);
    else if (kind === 'array') this.array(schema, value, pointer, out, depth);
    else if (kind === 'string') this.string(schema, value, pointer, out);
    else if (kind === 'number' || kind === 'integer') this.number(schema, value, pointer, out);
  };

  Checker.prototype.errorsOf = function (schema, value, pointer, depth) {
    var found = [];
    this.check(schema, value, pointer, found, depth + 1);
    return found;
  };

  Checker.prototype.combinators = function (schema, value, pointer, out, depth) {
    var self = this;
    if (Array.isArray(schema.allOf)) {
      schema.allOf.forEach(function (part) { self.check(part, value, pointer, out, depth + 1); });
    }
    ['anyOf', 'oneOf'].forEach(function (key) {
      if (!Array.isArray(schema[key])) return;
      var results = schema[key].map(function (branch) { return self.errorsOf(branch, value, pointer, depth); });
      var passing = results.filter(function (r) { return r.length === 0; }).length;
      if (passing === 0) {
        // The branch that came closest says most about what is wrong.
        var closest = results.reduce(function (best, r) { return r.length < best.length ? r : best; });
        out.push({ pointer: pointer, message: 'matches none of the ' + results.length + ' allowed shapes' });
        closest.forEach(function (e) { out.push(e); });
      } else if (key === 'oneOf' && passing > 1) {
        out.push({ pointer: pointer, message: 'matches ' + passing + ' shapes where exactly one is allowed' });
      }
    });
    if (schema.not !== undefined && this.errorsOf(schema.not, value, pointer, depth).length === 0) {
      out.push({ pointer: pointer, message: 'matches a shape that is not allowed' });
    }
  };

  Checker.prototype.object = function (schema, value, pointer, out, depth) {
    var self = this;
    var props = schema.properties || {};
    (schema.required || []).forEach(function (name) {
      if (!Object.prototype.hasOwnProperty.call(value, name)) {
        out.push({ pointer: pointer + '/' + escapeSegment(name), message: 'required member is missing' });
      }
    });
    var patterns = Object.keys(schema.patternProperties || {});
    Object.keys(value).forEach(function (name) {
      var at = pointer + '/' + escapeSegment(name);
      var known = Object.prototype.hasOwnProperty.call(props, name);
      if (known) self.check(props[name], value[name], at, out, depth + 1);
      var matched = patterns.filter(function (p) { return safeRegExp(p).test(name); });
      matched.forEach(function (p) { self.check(schema.patternProperties[p], value[name], at, out, depth + 1); });
      if (known || matched.length > 0 || schema.additionalProperties === undefined) return;
      if (schema.additionalProperties === false) {
        out.push({ pointer: at, message: 'member not in the contract' });
      } else {
        self.check(schema.additionalProperties, value[name], at, out, depth + 1);
      }
    });
  };

  Checker.prototype.array = function (schema, value, pointer, out, depth) {
    var self = this;
    var prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
    value.forEach(function (item, i) {
      var at = pointer + '/' + i;
      if (i < prefix.length) self.check(prefix[i], item, at, out, depth + 1);
      else if (schema.items !== undefined) self.check(schema.items, item, at, out, depth + 1);
    });
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
      out.push({ pointer: pointer, message: 'has ' + value.length + ' items, at least ' + schema.minItems + ' expected' });
    }
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
      out.push({ pointer: pointer, message: 'has ' + value.length + ' items, at most ' + schema.maxItems + ' allowed' });
    }
  };

  function safeRegExp(source) {
    try { return new RegExp(source, 'u'); } catch (e) { return { test: function () { return true; } }; }
  }

  Checker.prototype.string = function (schema, value, pointer, out) {
    var length = Array.from(value).length;
    if (typeof schema.minLength === 'number' && length < schema.minLength) {
      out.push({ pointer: pointer, message: 'is ' + length + ' characters, at least ' + schema.minLength + ' expected' });
    }
    if (typeof schema.maxLength === 'number' && length > schema.maxLength) {
      out.push({ pointer: pointer, message: 'is ' + length + ' characters, at most ' + schema.maxLength + ' allowed' });
    }
    if (typeof schema.pattern === 'string' && !safeRegExp(schema.pattern).test(value)) {
      out.push({ pointer: pointer, message: short(value) + ' does not match the pattern ' + schema.pattern });
    }
    var format = FORMATS[schema.format];
    if (format && !format.test(value)) {
      out.push({ pointer: pointer, message: short(value) + ' is not a ' + schema.format });
    }
  };

  Checker.prototype.number = function (schema, value, pointer, out) {
    if (typeof schema.minimum === 'number' && value < schema.minimum) {
      out.push({ pointer: pointer, message: value + ' is below the minimum ' + schema.minimum });
    }
    if (typeof schema.maximum === 'number' && value > schema.maximum) {
      out.push({ pointer: pointer, message: value + ' is above the maximum ' + schema.maximum });
    }
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) {
      out.push({ pointer: pointer, message: value + ' must be above ' + schema.exclusiveMinimum });
    }
    if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) {
      out.push({ pointer: pointer, message: value + ' must be below ' + schema.exclusiveMaximum });
    }
  };

  return {
    // Every violation of `schema` by `value`: [{pointer, message}], empty when it conforms.
    validate: function (schema, value, defs) {
      var out = [];
      new Checker(defs).check(schema, value, '', out, 0);
      return out;
    },
    escapeSegment: escapeSegment,
  };
})();

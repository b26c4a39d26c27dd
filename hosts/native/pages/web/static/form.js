// Builds form controls from a data-entry-flow step's data_schema (the list
// that Home Assistant's voluptuous_serialize produces), so that any
// provider's or MFA module's step can be shown without knowing it in
// advance: strings, passwords and codes, selects (a user to log in as, an
// MFA module), booleans and numbers.

/** Creates an element with attributes (null or false leaves one out). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") {
      node.textContent = value;
    } else if (value === true) {
      node.setAttribute(key, "");
    } else {
      node.setAttribute(key, value);
    }
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

// Radio buttons read best for a few options; a long list becomes a select.
const maxRadios = 6;

/** Normalizes select options: [[value, label], ...] or [value, ...]. */
function selectOptions(field) {
  return (field.options || []).map((o) => (Array.isArray(o) ? [String(o[0]), String(o[1] ?? o[0])] : [String(o), String(o)]));
}

// Browser hints per well-known field name, as Home Assistant's login form
// gives them.
const inputHints = {
  username: { autocomplete: "username", autocapitalize: "none", spellcheck: "false" },
  password: { type: "password", autocomplete: "current-password" },
  code: { autocomplete: "one-time-code", inputmode: "numeric", autocapitalize: "none", spellcheck: "false" },
  pin: { autocomplete: "one-time-code", inputmode: "numeric" },
};

/**
 * Renders the fields of `schema` into a fragment.
 *
 * options.idPrefix  makes ids unique on the page
 * options.label     (field) => label text
 * options.errors    {field name: error key} from the step (base excluded)
 * options.errorText (key) => message
 * options.values    {field name: value} to fill in (the last input of the
 *                   same step, shown again with an error)
 */
export function renderFields(schema, options) {
  const { idPrefix, label, errors = {}, errorText, values = {} } = options;
  const frag = document.createDocumentFragment();
  for (const field of schema) {
    const id = `${idPrefix}-${field.name}`;
    const errorKey = errors[field.name];
    const errorID = errorKey ? `${id}-error` : null;
    const errorNode = errorKey ? el("p", { class: "field-error", id: errorID, text: errorText(errorKey) }) : null;
    const required = field.required === true;
    switch (field.type) {
      case "select": {
        const opts = selectOptions(field);
        const initial =
          values[field.name] !== undefined
            ? String(values[field.name])
            : field.default !== undefined
              ? String(field.default)
              : opts.length
                ? opts[0][0]
                : "";
        if (opts.length <= maxRadios) {
          const fs = el("fieldset", { class: "field", "aria-describedby": errorID, "data-name": field.name, "data-type": "select" });
          fs.append(el("legend", { text: label(field) }));
          opts.forEach(([value, text], i) => {
            const optID = `${id}-${i}`;
            fs.append(
              el(
                "div",
                { class: "choice" },
                el("input", { type: "radio", id: optID, name: field.name, value, checked: value === initial, required }),
                el("label", { for: optID, text }),
              ),
            );
          });
          if (errorNode) fs.append(errorNode);
          frag.append(fs);
        } else {
          const sel = el("select", { id, name: field.name, required, "aria-describedby": errorID, "aria-invalid": errorKey ? "true" : null });
          for (const [value, text] of opts) {
            sel.append(el("option", { value, selected: value === initial, text }));
          }
          frag.append(el("div", { class: "field", "data-name": field.name, "data-type": "select" }, el("label", { for: id, text: label(field) }), sel, errorNode));
        }
        break;
      }
      case "boolean": {
        const checked = values[field.name] !== undefined ? values[field.name] === true : field.default === true;
        const box = el("input", { type: "checkbox", id, name: field.name, checked, "aria-describedby": errorID });
        frag.append(el("div", { class: "check", "data-name": field.name, "data-type": "boolean" }, box, el("label", { for: id, text: label(field) }), errorNode));
        break;
      }
      default: {
        const numeric = field.type === "integer" || field.type === "float";
        const attrs = {
          type: numeric ? "number" : "text",
          step: field.type === "float" ? "any" : null,
          id,
          name: field.name,
          required,
          "aria-describedby": errorID,
          "aria-invalid": errorKey ? "true" : null,
          ...(numeric ? {} : inputHints[field.name] || {}),
        };
        const value = values[field.name] !== undefined ? values[field.name] : field.default;
        if (value !== undefined && value !== null) attrs.value = String(value);
        frag.append(
          el("div", { class: "field", "data-name": field.name, "data-type": field.type || "string" }, el("label", { for: id, text: label(field) }), el("input", attrs), errorNode),
        );
      }
    }
  }
  return frag;
}

/**
 * Reads the values of the fields of `schema` from `form`. Empty optional
 * fields are left out, as Home Assistant's form leaves out values nobody
 * set.
 */
export function readFields(form, schema) {
  const data = {};
  for (const field of schema) {
    const controls = form.elements.namedItem(field.name);
    if (!controls) continue;
    switch (field.type) {
      case "boolean":
        data[field.name] = controls.checked;
        break;
      case "select": {
        const value = controls.value;
        if (value !== "" || field.required) data[field.name] = value;
        break;
      }
      case "integer":
      case "float": {
        if (controls.value === "") break;
        data[field.name] = field.type === "integer" ? parseInt(controls.value, 10) : parseFloat(controls.value);
        break;
      }
      default:
        if (controls.value !== "" || field.required) data[field.name] = controls.value;
    }
  }
  return data;
}

// Check the files chosen in a file field before anything is sent: how many, how large, which kind. A file the
// server would refuse (complaints/forms.py AttachmentsField, which stays the rule) is never uploaded: the choice
// is cleared and a message in the page's language, from the field's data- attributes, says why.
(function () {
  "use strict";

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  function megabytes(bytes) {
    return (bytes / (1024 * 1024)).toFixed(1) + " MB"; // as the server's message writes it (filesizeformat)
  }

  function problems(input) {
    var files = Array.prototype.slice.call(input.files || []);
    var maxBytes = Number(input.getAttribute("data-max-bytes"));
    var maxFiles = Number(input.getAttribute("data-max-files"));
    var accepted = (input.getAttribute("accept") || "").toLowerCase().split(",");
    var found = [];
    if (maxFiles && files.length > maxFiles) {
      found.push(fill(input.getAttribute("data-too-many"), { count: files.length, limit: maxFiles }));
    }
    files.forEach(function (file) {
      var dot = file.name.lastIndexOf(".");
      var extension = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
      if (accepted.length && accepted[0] !== "" && accepted.indexOf(extension) < 0) {
        found.push(fill(input.getAttribute("data-wrong-type"), { name: file.name }));
      } else if (file.size === 0) {
        found.push(fill(input.getAttribute("data-empty"), { name: file.name }));
      } else if (maxBytes && file.size > maxBytes) {
        found.push(
          fill(input.getAttribute("data-too-large"), {
            name: file.name,
            size: megabytes(file.size),
            limit: megabytes(maxBytes),
          })
        );
      }
    });
    return found;
  }

  function describedBy(input, id, add) {
    var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (each) {
      return each && each !== id;
    });
    if (add) {
      ids.push(id);
    }
    if (ids.length) {
      input.setAttribute("aria-describedby", ids.join(" "));
    } else {
      input.removeAttribute("aria-describedby");
    }
  }

  function check(input) {
    var id = input.id + "_browsercheck";
    var list = document.getElementById(id);
    var found = problems(input);
    if (!found.length) {
      if (list) {
        list.remove();
      }
      input.removeAttribute("aria-invalid");
      describedBy(input, id, false);
      return true;
    }
    if (!list) {
      list = document.createElement("ul");
      list.id = id;
      list.className = "errorlist";
      list.setAttribute("role", "alert");
      input.parentNode.insertBefore(list, input);
    }
    list.textContent = "";
    found.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    input.value = "";
    input.setAttribute("aria-invalid", "true");
    describedBy(input, id, true);
    return false;
  }

  var inputs = document.querySelectorAll("input[type=file][data-upload-check]");
  Array.prototype.forEach.call(inputs, function (input) {
    input.addEventListener("change", function () {
      check(input);
    });
    if (input.form) {
      input.form.addEventListener("submit", function (event) {
        if (!check(input)) {
          event.preventDefault();
        }
      });
    }
  });
})();

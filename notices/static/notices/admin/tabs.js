/* The small part of jQuery UI's tabs widget that modeltranslation's tabbed fields use:
   .tabs({active: n}), .tabs("option", "active", n) and the "tabsactivate" event.
   Served from our own origin so that the admin keeps its strict Content-Security-Policy. */
(function ($) {
  "use strict";
  function activate($container, index) {
    var $items = $container.children("ul").children("li");
    var $panels = $container.children("div");
    if (index < 0 || index >= $items.length) { index = 0; }
    var $old = $items.filter(".ui-tabs-active");
    $items.removeClass("ui-tabs-active ui-state-active").attr("aria-selected", "false");
    $panels.hide();
    var $new = $items.eq(index).addClass("ui-tabs-active ui-state-active").attr("aria-selected", "true");
    $panels.eq(index).show();
    $container.data("tabs-active", index);
    if ($old.length && $old[0] !== $new[0]) {
      $container.trigger("tabsactivate", [{ newTab: $new, oldTab: $old }]);
    }
  }
  $.fn.tabs = function (options, name, value) {
    return this.each(function () {
      var $container = $(this);
      if (options === "option") {
        if (name === "active") { activate($container, value); }
        return;
      }
      $container.addClass("ui-tabs ui-widget ui-widget-content ui-corner-all");
      $container.children("ul").addClass("ui-tabs-nav ui-helper-reset ui-helper-clearfix ui-widget-header ui-corner-all")
        .attr("role", "tablist");
      $container.children("ul").children("li").addClass("ui-state-default ui-corner-top").attr("role", "tab")
        .each(function (i) {
          $(this).children("a").addClass("ui-tabs-anchor").on("click", function (event) {
            event.preventDefault();
            activate($container, i);
          });
        });
      $container.children("div").addClass("ui-tabs-panel ui-widget-content ui-corner-bottom").attr("role", "tabpanel");
      activate($container, (options && options.active) || 0);
    });
  };
})(window.django && window.django.jQuery ? window.django.jQuery : window.jQuery);

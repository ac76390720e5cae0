/*
 * The map of the member cities (maps/README.md): draws every [data-map] element from the
 * GeoJSON its data-geojson names, with Leaflet and leaflet.markercluster (static/vendor/leaflet).
 *
 * The page works without this script: the map element stays hidden and the page's own links
 * (the list of cities by coalition on /map/) say the same. By keyboard: Tab reaches each city
 * (or group of cities) on the map, Enter opens its popup (or zooms into the group, and moves
 * to its first city), the popup takes the focus, Escape closes it and the focus goes back to
 * the city. No inline script or style: the page's Content Security Policy allows neither.
 */
(function () {
  "use strict";

  var COLOUR = /^#[0-9a-fA-F]{6}$/;

  if (!window.L || !window.fetch) {
    return;
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-map]"), load);

  function load(element) {
    fetch(element.getAttribute("data-geojson"), {
      headers: { Accept: "application/geo+json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("the map's data answered " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (data && data.features && data.features.length) {
          draw(element, data.features);
        }
      })
      .catch(function () {
        // Nothing to show: the map stays hidden, the page's links remain.
      });
  }

  function draw(element, features) {
    var labels = {
      zoomIn: element.getAttribute("data-label-zoom-in"),
      zoomOut: element.getAttribute("data-label-zoom-out"),
      close: element.getAttribute("data-label-close"),
      cluster: element.getAttribute("data-label-cluster"),
    };
    (element.closest("[data-map-block]") || element).hidden = false;
    element.hidden = false;

    var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    // No fading: a popup is readable (and measurable) the moment it opens.
    var map = L.map(element, {
      zoomControl: false,
      scrollWheelZoom: false,
      worldCopyJump: true,
      fadeAnimation: false,
      zoomAnimation: !still,
      markerZoomAnimation: !still,
    });
    var zoom = L.control.zoom({ zoomInTitle: labels.zoomIn, zoomOutTitle: labels.zoomOut });
    zoom.addTo(map);
    symbolsOnlyDrawn(zoom.getContainer());
    L.tileLayer(element.getAttribute("data-tiles-url"), {
      attribution: element.getAttribute("data-tiles-attribution"),
      maxZoom: 18,
    }).addTo(map);

    var clusters = L.markerClusterGroup({
      showCoverageOnHover: false,
      iconCreateFunction: function (cluster) {
        return clusterIcon(cluster, labels.cluster || "{count}");
      },
    });
    clusters.addLayers(features.map(function (feature) {
      return cityMarker(feature);
    }));
    map.addLayer(clusters);
    map.fitBounds(clusters.getBounds(), { padding: [24, 24], maxZoom: 9 });

    map.on("popupopen", function (event) {
      var container = event.popup.getElement();
      var close = container.querySelector(".leaflet-popup-close-button");
      if (close && labels.close) {
        close.setAttribute("aria-label", labels.close);
        close.setAttribute("title", labels.close);
      }
      symbolsOnlyDrawn(container);
      container.addEventListener("keydown", closeOnEscape);
      var content = container.querySelector(".map-popup");
      if (content) {
        content.focus();
      }
    });
    map.on("popupclose", function (event) {
      var container = event.popup.getElement();
      var hadFocus = container && container.contains(document.activeElement);
      if (container) {
        container.removeEventListener("keydown", closeOnEscape);
      }
      if (hadFocus || document.activeElement === document.body) {
        focusMarker(clusters, event.popup._source, map);
      }
    });

    // Enter on a group of cities zooms into it (Leaflet turns Enter into a click); Tab then
    // reaches its cities.

    function closeOnEscape(event) {
      if (event.key === "Escape") {
        event.stopPropagation();
        map.closePopup();
      }
    }
  }

  // Leaflet's buttons show "+", "−" and "×" as text beside their names (aria-label): the
  // stylesheet draws the symbols instead (site.css), so what a button says is only its name.
  function symbolsOnlyDrawn(container) {
    var buttons = container.querySelectorAll(
      ".leaflet-control-zoom-in, .leaflet-control-zoom-out, .leaflet-popup-close-button"
    );
    Array.prototype.forEach.call(buttons, function (button) {
      button.textContent = "";
    });
  }

  function cityMarker(feature) {
    var properties = feature.properties;
    var coordinates = feature.geometry.coordinates;
    var name = properties.name + " — " + properties.coalition.name + ": " + properties.count_text;
    var marker = L.marker([coordinates[1], coordinates[0]], {
      icon: L.divIcon({
        className: "map-marker",
        html: dot(properties.colour),
        iconSize: [24, 24],
        iconAnchor: [12, 12],
        popupAnchor: [0, -12],
      }),
      keyboard: true,
      title: name,
    });
    marker.on("add", function () {
      marker.getElement().setAttribute("aria-label", name);
    });
    marker.bindPopup(function () {
      return popupContent(properties);
    }, { maxWidth: 320, autoPanPadding: [24, 24] });
    return marker;
  }

  function dot(colour) {
    var fill = COLOUR.test(colour) ? colour : "#0072B2";
    return (
      '<svg width="24" height="24" viewBox="0 0 24 24" aria-hidden="true" focusable="false">' +
      '<circle cx="12" cy="12" r="10" fill="#ffffff" stroke="#1b1b1b" stroke-width="2"/>' +
      '<circle cx="12" cy="12" r="7" fill="' + fill + '"/></svg>'
    );
  }

  function clusterIcon(cluster, label) {
    var count = String(cluster.getChildCount());
    var content = document.createElement("span");
    var shown = content.appendChild(element("span", "map-cluster-count"));
    shown.setAttribute("aria-hidden", "true");
    shown.textContent = count;
    content.appendChild(element("span", "visually-hidden")).textContent = label.replace(
      "{count}",
      count
    );
    return L.divIcon({ className: "map-cluster", html: content, iconSize: [36, 36] });
  }

  // The marker itself, or the group it is shown in at this zoom; else the map.
  function focusMarker(clusters, marker, map) {
    var shown = marker && clusters.getVisibleParent(marker);
    var element = shown && shown.getElement();
    (element || map.getContainer()).focus();
  }

  function popupContent(properties) {
    var root = element("div", "map-popup");
    root.setAttribute("tabindex", "-1");
    var title = root.appendChild(element("p", "map-popup-title"));
    title.appendChild(link(properties.url, properties.name));
    var meta = root.appendChild(element("p", "map-popup-meta"));
    meta.appendChild(link(properties.coalition.url, properties.coalition.name));
    meta.appendChild(document.createTextNode(" · "));
    if (properties.count) {
      meta.appendChild(link(properties.search_url, properties.count_text));
    } else {
      meta.appendChild(document.createTextNode(properties.count_text));
    }
    if (properties.practices.length) {
      var list = root.appendChild(element("ul", "map-popup-practices"));
      properties.practices.forEach(function (practice) {
        var item = list.appendChild(document.createElement("li"));
        var anchor = item.appendChild(link(practice.url, practice.title));
        anchor.setAttribute("lang", practice.lang);
      });
      if (properties.more) {
        list.appendChild(document.createElement("li")).appendChild(
          link(properties.more.url, properties.more.text)
        );
      }
    }
    return root;
  }

  function element(tag, className) {
    var made = document.createElement(tag);
    made.className = className;
    return made;
  }

  function link(href, text) {
    var anchor = document.createElement("a");
    anchor.href = href;
    anchor.textContent = text;
    return anchor;
  }
})();

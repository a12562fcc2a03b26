/* Leaflet (and Leaflet.draw, when loaded before this file) in Chinese, and every map's
   attribution without Leaflet's flag link: the base map's source and ours.
   Load it right after leaflet.js, or after leaflet.draw.js on pages that draw. */
(function () {
  "use strict";

  // Attribution: no "🇺🇦 Leaflet" prefix; the data source, and the base map's when there is one.
  L.Map.addInitHook(function () {
    if (!this.attributionControl) return;
    this.attributionControl.setPrefix(false);
    this.attributionControl.addAttribution("数据：本平台");
  });
  L.TileLayer.addInitHook(function () {
    const own = this.options.attribution;
    if (own && own.indexOf("底图") !== 0) this.options.attribution = `底图：${own}`;
  });

  // Built-in controls.
  L.Control.Zoom.prototype.options.zoomInTitle = "放大";
  L.Control.Zoom.prototype.options.zoomOutTitle = "缩小";
  L.Control.Scale.prototype._updateMetric = function (maxMeters) {
    const meters = this._getRoundNum(maxMeters);
    const label = meters < 1000 ? `${meters} 米` : `${meters / 1000} 公里`;
    this._updateScale(this._mScale, label, meters / maxMeters);
  };
  const layersLayout = L.Control.Layers.prototype._initLayout;
  L.Control.Layers.prototype._initLayout = function () {
    layersLayout.call(this);
    this._layersLink.title = "图层";
    this._layersLink.setAttribute("aria-label", "图层");
  };
  const popupLayout = L.Popup.prototype._initLayout;
  L.Popup.prototype._initLayout = function () {
    popupLayout.call(this);
    if (this._closeButton) this._closeButton.setAttribute("aria-label", "关闭");
  };

  if (!L.drawLocal) return;

  // Leaflet.draw: every string of its toolbars and handlers.
  L.drawLocal = {
    format: { numeric: { delimiters: { thousands: ",", decimal: "." } } },
    draw: {
      toolbar: {
        actions: { title: "取消绘制", text: "取消" },
        finish: { title: "完成绘制", text: "完成" },
        undo: { title: "删除最后一个点", text: "删除最后一点" },
        buttons: {
          polyline: "画线",
          polygon: "画地块（多边形）",
          rectangle: "画矩形",
          circle: "画圆",
          marker: "放置标记",
          circlemarker: "放置圆点标记",
        },
      },
      handlers: {
        circle: { tooltip: { start: "按住并拖动以画圆。" }, radius: "半径" },
        circlemarker: { tooltip: { start: "点击地图放置圆点标记。" } },
        marker: { tooltip: { start: "点击地图放置标记。" } },
        polygon: {
          tooltip: {
            start: "点击地图开始绘制地块边界。",
            cont: "继续点击，添加下一个拐点。",
            end: "点击第一个点闭合边界。",
          },
        },
        polyline: {
          error: "<strong>错误：</strong>边界不能自相交！",
          tooltip: {
            start: "点击地图开始画线。",
            cont: "继续点击，添加下一个点。",
            end: "点击最后一个点结束画线。",
          },
        },
        rectangle: { tooltip: { start: "按住并拖动以画矩形。" } },
        simpleshape: { tooltip: { end: "松开鼠标完成绘制。" } },
      },
    },
    edit: {
      toolbar: {
        actions: {
          save: { title: "保存修改", text: "保存" },
          cancel: { title: "取消编辑，放弃全部修改", text: "取消" },
          clearAll: { title: "清除全部图形", text: "全部清除" },
        },
        buttons: {
          edit: "编辑图形",
          editDisabled: "没有可编辑的图形",
          remove: "删除图形",
          removeDisabled: "没有可删除的图形",
        },
      },
      handlers: {
        edit: { tooltip: { text: "拖动顶点或标记以修改图形。", subtext: "点击“取消”撤销修改。" } },
        remove: { tooltip: { text: "点击要删除的图形。" } },
      },
    },
  };

  // Measurements in the drawing tooltips: 平方米/亩 and 米/公里 instead of m²/ha and m/km.
  const number = (value, digits) => L.GeometryUtil.formattedNumber(value, digits);
  L.GeometryUtil.readableArea = function (area) {
    if (area >= 1000000) return `${number(area / 1000000, 2)} 平方公里`;
    return `${number(area, 0)} 平方米（${number(area / 666.67, 2)} 亩）`;
  };
  L.GeometryUtil.readableDistance = function (distance) {
    return distance >= 1000 ? `${number(distance / 1000, 2)} 公里` : `${number(distance, 0)} 米`;
  };
})();

/** Label export / import under a georeferenced image (renderer/viewports/GeoLabelsMenu). */
import type { Shape } from './shape';

export const geoExchangeEn = {
  geoExchange: {
    menu: 'Labels: export / import',
    format: 'Format',
    formats: {
      geojson: 'GeoJSON (WGS 84)',
      shapefile: 'Shapefile (.shp + .prj)',
      dota: 'DOTA (oriented boxes)',
      'yolo-obb': 'YOLO-OBB (Ultralytics)',
      'coco-obb': 'COCO rotated boxes',
    },
    crs: 'Coordinates',
    crsImage: 'image CRS',
    crsWgs84: 'WGS 84 lon/lat',
    export: 'Export',
    importPath: 'file or folder in the project',
    import: 'Import',
    exported: '{{n}} objects → {{path}}',
    skipped: '({{n}} shapes without a {{format}} form skipped)',
    imported: '{{format}}: {{added}} added, {{updated}} updated, {{unchanged}} already there',
    labelsAdded: 'new labels: {{names}}',
    noGpkg: 'GeoPackage: export GeoJSON and convert with ogr2ogr (see docs)',
  },
};

export const geoExchangeZh: Shape<typeof geoExchangeEn> = {
  geoExchange: {
    menu: '标注：导出 / 导入',
    format: '格式',
    formats: {
      geojson: 'GeoJSON（WGS 84）',
      shapefile: 'Shapefile（.shp + .prj）',
      dota: 'DOTA（旋转框）',
      'yolo-obb': 'YOLO-OBB（Ultralytics）',
      'coco-obb': 'COCO 旋转框',
    },
    crs: '坐标',
    crsImage: '影像坐标系',
    crsWgs84: 'WGS 84 经纬度',
    export: '导出',
    importPath: '项目中的文件或文件夹',
    import: '导入',
    exported: '{{n}} 个对象 → {{path}}',
    skipped: '（已跳过 {{n}} 个无 {{format}} 形式的形状）',
    imported: '{{format}}：新增 {{added}}，更新 {{updated}}，已存在 {{unchanged}}',
    labelsAdded: '新标签：{{names}}',
    noGpkg: 'GeoPackage：请导出 GeoJSON 后用 ogr2ogr 转换（见文档）',
  },
};

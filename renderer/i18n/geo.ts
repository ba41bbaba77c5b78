/** Georeferenced images (GeoTIFF): the map readout under the viewer and the GeoJSON export. */
import type { Shape } from './shape';

export const geoEn = {
  geo: {
    crs: 'CRS',
    noEpsg: 'user-defined CRS',
    resolution: '{{res}} {{unit}}/px',
    bands: '{{n}} bands, {{bits}}-bit {{type}}',
    unsupported: 'not reprojectable: lon/lat and GeoJSON need EPSG:4326, 3857 or a WGS 84 UTM zone',
    exportGeoJson: 'Export GeoJSON',
    exported: '{{n}} features → {{path}}',
    skipped: '({{n}} shapes without a GeoJSON form skipped)',
    preset: 'Band preset',
    custom: 'Custom bands',
    presets: {
      asStored: 'Bands 1-2-3 as stored',
      trueColour: 'True colour (B,G,R,NIR stack)',
      falseColourInfrared: 'False-colour infrared (B,G,R,NIR stack)',
    },
    stretch: 'Stretch',
    stretchHelp: 'Each band is stretched linearly between these percentiles (saved for the project)',
  },
};

export const geoZh: Shape<typeof geoEn> = {
  geo: {
    crs: '坐标系',
    noEpsg: '用户自定义坐标系',
    resolution: '{{res}} {{unit}}/像素',
    bands: '{{n}} 个波段，{{bits}} 位 {{type}}',
    unsupported: '无法重投影：经纬度与 GeoJSON 需要 EPSG:4326、3857 或 WGS 84 UTM 分带',
    exportGeoJson: '导出 GeoJSON',
    exported: '{{n}} 个要素 → {{path}}',
    skipped: '（已跳过 {{n}} 个无 GeoJSON 形式的形状）',
    preset: '波段预设',
    custom: '自定义波段',
    presets: {
      asStored: '按存储顺序的波段 1-2-3',
      trueColour: '真彩色（B、G、R、NIR 波段顺序）',
      falseColourInfrared: '标准假彩色红外（B、G、R、NIR 波段顺序）',
    },
    stretch: '拉伸',
    stretchHelp: '每个波段在这两个百分位之间线性拉伸（按项目保存）',
  },
};

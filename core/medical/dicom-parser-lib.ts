/**
 * dicom-parser is a CommonJS/UMD bundle: under Node ESM its functions hang off the default
 * export, under bundlers they may be named exports. Resolve once so callers see one shape.
 */
import * as namespace from 'dicom-parser';

type DicomParserApi = typeof namespace;
const withDefault = namespace as DicomParserApi & { default?: DicomParserApi };
export const dicomParser: DicomParserApi = withDefault.default && typeof withDefault.default.parseDicom === 'function' ? withDefault.default : namespace;

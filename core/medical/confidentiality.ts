/**
 * The Basic Application Level Confidentiality Profile (DICOM PS3.15 Annex E, Table E.1-1) as
 * data, applied generically to an element list (sequences included).
 *
 * The table holds the attributes of Table E.1-1 that a DICOM image or Datum's exports can carry
 * at the levels Datum writes (patient, study, series, equipment, instance, references); it is not
 * all ~600 rows of the standard. Where the standard allows a choice (X/Z, Z/D, X/Z/D) the row
 * keeps the most protective action valid for the attribute's type in our objects: X for Type 3,
 * Z for Type 2. Actions:
 *   D  replace with a dummy value      Z  zero length (or a dummy)     X  remove
 *   K  keep                            C  clean (we cannot clean free text, so emptied like Z)
 *   U  replace the UID, consistently within the object (one old UID -> one new UID)
 */
import { el, type DicomElement, type DicomItem } from './dicom-writer';

export type ProfileAction = 'D' | 'Z' | 'X' | 'K' | 'C' | 'U';

export interface ProfileRow {
  tag: number;
  name: string;
  action: ProfileAction;
  /** D (and optionally Z): the value written instead. */
  dummy?: string;
}

export const CONFIDENTIALITY_PROFILE: readonly ProfileRow[] = [
  { tag: 0x00080014, name: 'InstanceCreatorUID', action: 'U' },
  { tag: 0x00080018, name: 'SOPInstanceUID', action: 'U' },
  { tag: 0x00080020, name: 'StudyDate', action: 'Z' },
  { tag: 0x00080021, name: 'SeriesDate', action: 'X' },
  { tag: 0x00080022, name: 'AcquisitionDate', action: 'X' },
  { tag: 0x00080023, name: 'ContentDate', action: 'D', dummy: '19000101' }, // Z/D; Type 1 in multi-frame objects
  { tag: 0x00080030, name: 'StudyTime', action: 'Z' },
  { tag: 0x00080031, name: 'SeriesTime', action: 'X' },
  { tag: 0x00080032, name: 'AcquisitionTime', action: 'X' },
  { tag: 0x00080033, name: 'ContentTime', action: 'D', dummy: '000000' }, // Z/D, as ContentDate
  { tag: 0x00080050, name: 'AccessionNumber', action: 'Z' },
  { tag: 0x00080080, name: 'InstitutionName', action: 'X' },
  { tag: 0x00080081, name: 'InstitutionAddress', action: 'X' },
  { tag: 0x00080090, name: 'ReferringPhysicianName', action: 'Z' },
  { tag: 0x00080092, name: 'ReferringPhysicianAddress', action: 'X' },
  { tag: 0x00080094, name: 'ReferringPhysicianTelephoneNumbers', action: 'X' },
  { tag: 0x00081010, name: 'StationName', action: 'X' },
  { tag: 0x00081030, name: 'StudyDescription', action: 'X' },
  { tag: 0x0008103e, name: 'SeriesDescription', action: 'X' },
  { tag: 0x00081040, name: 'InstitutionalDepartmentName', action: 'X' },
  { tag: 0x00081048, name: 'PhysiciansOfRecord', action: 'X' },
  { tag: 0x00081050, name: 'PerformingPhysicianName', action: 'X' },
  { tag: 0x00081060, name: 'NameOfPhysiciansReadingStudy', action: 'X' },
  { tag: 0x00081070, name: 'OperatorsName', action: 'X' },
  { tag: 0x00081080, name: 'AdmittingDiagnosesDescription', action: 'X' },
  { tag: 0x00081110, name: 'ReferencedStudySequence', action: 'X' },
  { tag: 0x00081111, name: 'ReferencedPerformedProcedureStepSequence', action: 'X' },
  { tag: 0x00081120, name: 'ReferencedPatientSequence', action: 'X' },
  { tag: 0x00081155, name: 'ReferencedSOPInstanceUID', action: 'U' },
  { tag: 0x00082111, name: 'DerivationDescription', action: 'X' },
  { tag: 0x00100010, name: 'PatientName', action: 'Z', dummy: 'ANONYMOUS' },
  { tag: 0x00100020, name: 'PatientID', action: 'Z', dummy: 'ANON' },
  { tag: 0x00100030, name: 'PatientBirthDate', action: 'Z' },
  { tag: 0x00100032, name: 'PatientBirthTime', action: 'X' },
  { tag: 0x00100040, name: 'PatientSex', action: 'Z' },
  { tag: 0x00101000, name: 'OtherPatientIDs', action: 'X' },
  { tag: 0x00101001, name: 'OtherPatientNames', action: 'X' },
  { tag: 0x00101010, name: 'PatientAge', action: 'X' },
  { tag: 0x00101020, name: 'PatientSize', action: 'X' },
  { tag: 0x00101030, name: 'PatientWeight', action: 'X' },
  { tag: 0x00101040, name: 'PatientAddress', action: 'X' },
  { tag: 0x00102154, name: 'PatientTelephoneNumbers', action: 'X' },
  { tag: 0x00102160, name: 'EthnicGroup', action: 'X' },
  { tag: 0x001021b0, name: 'AdditionalPatientHistory', action: 'X' },
  { tag: 0x00104000, name: 'PatientComments', action: 'X' },
  { tag: 0x00181000, name: 'DeviceSerialNumber', action: 'D', dummy: '0' }, // X/Z/D; Type 1 in Enhanced General Equipment (SEG)
  { tag: 0x00181030, name: 'ProtocolName', action: 'X' },
  { tag: 0x0020000d, name: 'StudyInstanceUID', action: 'U' },
  { tag: 0x0020000e, name: 'SeriesInstanceUID', action: 'U' },
  { tag: 0x00200010, name: 'StudyID', action: 'Z' },
  { tag: 0x00200052, name: 'FrameOfReferenceUID', action: 'U' },
  { tag: 0x00200200, name: 'SynchronizationFrameOfReferenceUID', action: 'U' },
  { tag: 0x00204000, name: 'ImageComments', action: 'X' },
  { tag: 0x00321032, name: 'RequestingPhysician', action: 'X' },
  { tag: 0x00400244, name: 'PerformedProcedureStepStartDate', action: 'X' },
  { tag: 0x00400253, name: 'PerformedProcedureStepID', action: 'X' },
  { tag: 0x0040a124, name: 'UID', action: 'U' },
  { tag: 0x00700084, name: 'ContentCreatorName', action: 'Z' },
  { tag: 0x00880140, name: 'StorageMediaFileSetUID', action: 'U' },
  { tag: 0x30060024, name: 'ReferencedFrameOfReferenceUID', action: 'U' },
];

export const PROFILE_BY_TAG: ReadonlyMap<number, ProfileRow> = new Map(CONFIDENTIALITY_PROFILE.map((r) => [r.tag, r]));

/** CID 7050 codes for (0012,0064) De-identification Method Code Sequence. */
export const METHOD_CODES = {
  basic: { value: '113100', meaning: 'Basic Application Confidentiality Profile' },
  retainUids: { value: '113110', meaning: 'Retain UIDs Option' },
} as const;

export interface ProfileOptions {
  /** The Retain UIDs option: U rows are kept, and 113110 is declared. */
  retainUids?: boolean;
  /** Old UID -> new UID; called once per distinct UID (the result is memoised here). */
  newUid: () => string;
}

/**
 * Apply the profile to an element list, recursing into sequence items, and record it:
 * (0012,0062) YES, (0012,0063) a description, (0012,0064) the method codes.
 * Returns the elements and the UID map used (old -> new), so callers can check consistency.
 */
export function applyConfidentialityProfile(elements: DicomElement[], options: ProfileOptions): { elements: DicomElement[]; uidMap: Map<string, string> } {
  const uidMap = new Map<string, string>();
  const mapUid = (uid: string) => {
    if (!uid) return uid;
    let next = uidMap.get(uid);
    if (!next) uidMap.set(uid, (next = options.newUid()));
    return next;
  };
  const walk = (list: DicomItem): DicomItem => {
    const out: DicomItem = [];
    for (const e of list) {
      const rule = PROFILE_BY_TAG.get(e.tag);
      const action = rule?.action === 'U' && options.retainUids ? 'K' : (rule?.action ?? 'K');
      if (action === 'X') continue;
      if (action === 'Z' || action === 'C') out.push({ ...e, value: rule?.dummy ?? '' });
      else if (action === 'D') out.push({ ...e, value: rule?.dummy ?? dummyFor(e) });
      else if (action === 'U') out.push({ ...e, value: typeof e.value === 'string' ? e.value.split('\\').map(mapUid).join('\\') : e.value });
      else if (e.vr === 'SQ' && Array.isArray(e.value)) out.push({ ...e, value: (e.value as DicomItem[]).map(walk) });
      else out.push(e);
    }
    return out;
  };
  const out = walk(elements).filter((e) => e.tag !== 0x00120062 && e.tag !== 0x00120063 && e.tag !== 0x00120064);
  const codes = [METHOD_CODES.basic, ...(options.retainUids ? [METHOD_CODES.retainUids] : [])];
  out.push(
    el(0x00120062, 'CS', 'YES'),
    el(0x00120063, 'LO', `DICOM PS3.15 E.1 Basic Profile${options.retainUids ? ', Retain UIDs Option' : ''} (Datum)`),
    el(0x00120064, 'SQ', codes.map((c) => [el(0x00080100, 'SH', c.value), el(0x00080102, 'SH', 'DCM'), el(0x00080104, 'LO', c.meaning)])),
  );
  return { elements: out.sort((a, b) => a.tag - b.tag), uidMap };
}

function dummyFor(e: DicomElement): string {
  if (e.vr === 'DA') return '19000101';
  if (e.vr === 'TM') return '000000';
  if (e.vr === 'PN') return 'ANONYMOUS';
  return 'ANON';
}

/**
 * De-identification for exported objects, after the Basic Application Level Confidentiality
 * Profile (PS3.15 Annex E): attributes that identify the patient or the visit are removed or
 * replaced with dummy values, and the de-identification is recorded in the object.
 * Only the attributes a Datum export writes are handled here (we never copy the source's full
 * header), so this list is complete for our own outputs.
 */
import { el, type DicomElement } from './dicom-writer';

type Action = 'remove' | 'empty' | 'dummy';

/** Basic-profile attributes, their action and (for 'dummy') the replacement value. */
export const BASIC_PROFILE: Record<number, { name: string; action: Action; dummy?: string }> = {
  0x00100010: { name: 'PatientName', action: 'dummy', dummy: 'ANONYMOUS' },
  0x00100020: { name: 'PatientID', action: 'dummy', dummy: 'ANON' },
  0x00100030: { name: 'PatientBirthDate', action: 'empty' },
  0x00100032: { name: 'PatientBirthTime', action: 'remove' },
  0x00101000: { name: 'OtherPatientIDs', action: 'remove' },
  0x00101001: { name: 'OtherPatientNames', action: 'remove' },
  0x00101040: { name: 'PatientAddress', action: 'remove' },
  0x00102154: { name: 'PatientTelephoneNumbers', action: 'remove' },
  0x00080050: { name: 'AccessionNumber', action: 'empty' },
  0x00080080: { name: 'InstitutionName', action: 'remove' },
  0x00080081: { name: 'InstitutionAddress', action: 'remove' },
  0x00080090: { name: 'ReferringPhysicianName', action: 'empty' },
  0x00081050: { name: 'PerformingPhysicianName', action: 'remove' },
  0x00081070: { name: 'OperatorsName', action: 'remove' },
  0x00200010: { name: 'StudyID', action: 'empty' },
  0x00080020: { name: 'StudyDate', action: 'empty' },
  0x00080030: { name: 'StudyTime', action: 'empty' },
};

/** Apply the profile to a list of elements (top level; our exports keep PHI only there). */
export function deidentifyElements(elements: DicomElement[]): DicomElement[] {
  const out: DicomElement[] = [];
  for (const e of elements) {
    const rule = BASIC_PROFILE[e.tag];
    if (!rule) out.push(e);
    else if (rule.action === 'empty') out.push({ ...e, value: '' });
    else if (rule.action === 'dummy') out.push({ ...e, value: rule.dummy ?? '' });
  }
  const seen = new Set(out.map((e) => e.tag));
  // Patient Identity Removed / De-identification Method (PS3.3 C.7.1.1).
  if (!seen.has(0x00120062)) out.push(el(0x00120062, 'CS', 'YES'));
  if (!seen.has(0x00120063)) out.push(el(0x00120063, 'LO', 'Datum basic profile (PS3.15 E.1)'));
  return out;
}

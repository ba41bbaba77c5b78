/** The part of dcmjs Datum uses: its DICOM data dictionary (keyword and VR per "(GGGG,EEEE)"). */
declare module 'dcmjs' {
  export const data: { DicomMetaDictionary: { dictionary: Record<string, { name: string; vr: string } | undefined> } };
  const dcmjs: { data: typeof data };
  export default dcmjs;
}

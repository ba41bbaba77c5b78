/** The Datum mark: a cuboid over a point grid, drawn inline (no external assets). */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <defs>
        <linearGradient id="dg" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#5eead4" />
          <stop offset="1" stopColor="#6366f1" />
        </linearGradient>
      </defs>
      <rect x="1" y="1" width="30" height="30" rx="8" fill="#151b24" stroke="url(#dg)" strokeWidth="1.5" />
      <path d="M9 12 L16 8 L23 12 L23 20 L16 24 L9 20 Z" fill="none" stroke="url(#dg)" strokeWidth="2" strokeLinejoin="round" />
      <path d="M9 12 L16 16 L23 12 M16 16 L16 24" fill="none" stroke="url(#dg)" strokeWidth="1.5" opacity="0.8" />
    </svg>
  );
}

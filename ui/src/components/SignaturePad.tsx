import { Button, Checkbox, Flex, Input, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import type { PointerEvent as ReactPointerEvent } from 'react';
import type { HandSignature } from '../bindings/HandSignature';
import type { SignerRole } from '../bindings/SignerRole';
import { SIGNER_ROLE_LABELS, useI18n } from '../i18n';

/** The pad's own units: a signature is kept in them, whatever size it was drawn at. */
export const PAD_WIDTH = 600;
export const PAD_HEIGHT = 200;
/** A mouse (and a pen or finger that reports none) signs at middle pressure, in thousandths. */
const DEFAULT_PRESSURE = 500;
const INK = '#1a2a6c';

type Point = [number, number, number];

export function emptySignature(role: SignerRole, name = ''): HandSignature {
  return { role, name, width: PAD_WIDTH, height: PAD_HEIGHT, strokes: [] };
}

/** Line width in pad units: a light touch draws thin, a firm one thick. */
function widthAt(pressure: number): number {
  return 1.4 + 3.6 * (pressure / 1000);
}

function drawSegment(ctx: CanvasRenderingContext2D, a: Point, b: Point, scale: number) {
  ctx.lineWidth = widthAt((a[2] + b[2]) / 2) * scale;
  ctx.beginPath();
  ctx.moveTo(a[0] * scale, a[1] * scale);
  ctx.lineTo(b[0] * scale, b[1] * scale);
  ctx.stroke();
}

function drawDot(ctx: CanvasRenderingContext2D, p: Point, scale: number) {
  ctx.beginPath();
  ctx.arc(p[0] * scale, p[1] * scale, (widthAt(p[2]) * scale) / 2, 0, Math.PI * 2);
  ctx.fill();
}

function drawStroke(ctx: CanvasRenderingContext2D, points: Point[], scale: number) {
  if (points.length === 1) drawDot(ctx, points[0], scale);
  for (let i = 1; i < points.length; i++) drawSegment(ctx, points[i - 1], points[i], scale);
}

/**
 * A handwritten signature: the signer's role and name above a pad drawn on with a pen, a finger
 * or the mouse (Pointer Events). Points are kept as integers in pad units (600 × 200) with the
 * pressure in thousandths, so the signed bytes never depend on the screen the pad was shown on.
 */
export function SignaturePad({
  value,
  onChange,
  disabled,
  signedBy,
  registered,
}: {
  value: HandSignature;
  onChange: (s: HandSignature) => void;
  disabled?: boolean;
  /** The visiting side: the signed-in user as the laptop signs them (name and certificates
   * from the register). Shown, not typed: the signing puts them in whatever the box says. */
  signedBy?: HandSignature;
  /** The principal's side: the register's principal, proposed, and named beside a different
   * name typed on site (a deputy signing is recorded as such). */
  registered?: string;
}) {
  const { t, l } = useI18n();
  const role = value.role;
  const canvas = useRef<HTMLCanvasElement>(null);
  const scale = useRef(1);
  const current = useRef<{ pointer: number; points: Point[] } | null>(null);
  const latest = useRef(value);
  latest.current = value;
  const [drawing, setDrawing] = useState(false);

  const ctx = () => {
    const c = canvas.current?.getContext('2d');
    if (c) {
      c.strokeStyle = INK;
      c.fillStyle = INK;
      c.lineCap = 'round';
      c.lineJoin = 'round';
    }
    return c ?? null;
  };

  // Redraw everything at the canvas's current size (on resize, clear, or a new value).
  const redraw = () => {
    const el = canvas.current;
    const c = ctx();
    if (!el || !c) return;
    c.clearRect(0, 0, el.width, el.height);
    for (const s of latest.current.strokes) drawStroke(c, s.points as Point[], scale.current);
    if (current.current) drawStroke(c, current.current.points, scale.current);
  };

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const fit = () => {
      const ratio = window.devicePixelRatio || 1;
      const w = Math.max(1, Math.round(el.clientWidth * ratio));
      el.width = w;
      el.height = Math.max(1, Math.round((w * PAD_HEIGHT) / PAD_WIDTH));
      scale.current = w / PAD_WIDTH;
      redraw();
    };
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(el);
    return () => observer.disconnect();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- redraw reads only refs; the observer is set up once
  }, []);

  useEffect(redraw, [value.strokes]);

  const toPoint = (e: PointerEvent): Point => {
    const r = canvas.current!.getBoundingClientRect();
    const x = Math.round(((e.clientX - r.left) / Math.max(1, r.width)) * PAD_WIDTH);
    const y = Math.round(((e.clientY - r.top) / Math.max(1, r.height)) * PAD_HEIGHT);
    const pressure =
      e.pointerType === 'mouse' || !(e.pressure > 0) ? DEFAULT_PRESSURE : Math.round(Math.min(1, e.pressure) * 1000);
    return [Math.min(PAD_WIDTH, Math.max(0, x)), Math.min(PAD_HEIGHT, Math.max(0, y)), pressure];
  };

  const down = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    if (disabled || current.current || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    const p = toPoint(e.nativeEvent);
    current.current = { pointer: e.pointerId, points: [p] };
    setDrawing(true);
    const c = ctx();
    if (c) drawDot(c, p, scale.current);
  };

  const move = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    const s = current.current;
    if (!s || s.pointer !== e.pointerId) return;
    e.preventDefault();
    const c = ctx();
    // A pen reports more points between frames than the page sees; take them all.
    const events = e.nativeEvent.getCoalescedEvents?.() ?? [];
    for (const ev of events.length > 0 ? events : [e.nativeEvent]) {
      const p = toPoint(ev);
      const last = s.points[s.points.length - 1];
      if (last[0] === p[0] && last[1] === p[1]) continue;
      s.points.push(p);
      if (c) drawSegment(c, last, p, scale.current);
    }
  };

  const up = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    const s = current.current;
    if (!s || s.pointer !== e.pointerId) return;
    current.current = null;
    setDrawing(false);
    const v = latest.current;
    onChange({ ...v, width: PAD_WIDTH, height: PAD_HEIGHT, strokes: [...v.strokes, { points: s.points }] });
  };

  const empty = value.strokes.length === 0 && !drawing;
  const refused = value.refusal !== undefined && value.refusal !== null;

  return (
    <Flex vertical gap={6} data-testid={`signer-${role}`} style={{ flex: '1 1 380px', minWidth: 0 }}>
      <Flex align="center" gap={8}>
        <Typography.Text strong style={{ whiteSpace: 'nowrap' }}>
          {l(SIGNER_ROLE_LABELS[role])}
        </Typography.Text>
        {role === 'principal' ? (
          <Input
            size="small"
            value={value.name}
            disabled={disabled}
            placeholder={t('signerName')}
            aria-label={`${l(SIGNER_ROLE_LABELS[role])} ${t('signerName')}`}
            onChange={(e) => onChange({ ...latest.current, name: e.target.value })}
            status={value.name.trim() === '' ? 'warning' : undefined}
            style={{ flex: 1, minWidth: 80 }}
            data-testid={`signer-name-${role}`}
          />
        ) : (
          <Typography.Text strong style={{ flex: 1, minWidth: 80 }} data-testid={`signer-name-${role}`}>
            {signedBy?.name ?? ''}
          </Typography.Text>
        )}
        {role === 'principal' && (
          // A principal who will not sign is recorded as such, with what happened: the list is
          // still signed by the visitor, and the refusal is printed in the principal's box.
          <Checkbox
            checked={refused}
            disabled={disabled}
            onChange={(e) => onChange({ ...latest.current, strokes: [], refusal: e.target.checked ? '' : undefined })}
            data-testid="principal-refuses"
          >
            {t('refusesToSign')}
          </Checkbox>
        )}
        <Button
          size="small"
          disabled={disabled || value.strokes.length === 0}
          onClick={() => onChange({ ...latest.current, strokes: [] })}
          data-testid={`pad-clear-${role}`}
        >
          {t('clearPad')}
        </Button>
      </Flex>
      {role !== 'principal' && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid={`signer-certificates-${role}`}>
          {signedBy?.certificates?.length ? signedBy.certificates.join('；') : t('signerNoCertificates')}
        </Typography.Text>
      )}
      {registered && value.name.trim() !== '' && value.name.trim() !== registered.trim() && (
        <Typography.Text type="warning" style={{ fontSize: 12 }} data-testid="principal-not-registered">
          {t('principalNotRegistered', { name: registered.trim() })}
        </Typography.Text>
      )}
      {refused && (
        <Input.TextArea
          autoSize={{ minRows: 3, maxRows: 5 }}
          value={value.refusal ?? ''}
          disabled={disabled}
          placeholder={t('refusalPlaceholder')}
          status={(value.refusal ?? '').trim() === '' ? 'warning' : undefined}
          onChange={(e) => onChange({ ...latest.current, refusal: e.target.value })}
          data-testid="refusal-note"
        />
      )}
      <div
        hidden={refused}
        style={{
          position: 'relative',
          width: '100%',
          aspectRatio: `${PAD_WIDTH} / ${PAD_HEIGHT}`,
          background: '#fcfcfc',
          border: `1px ${empty ? 'dashed' : 'solid'} ${empty ? '#d9d9d9' : '#91caff'}`,
          borderRadius: 6,
          boxSizing: 'border-box',
          userSelect: 'none',
          WebkitUserSelect: 'none',
        }}
      >
        {/* The signing line, as on a paper form. */}
        <div
          aria-hidden
          style={{
            position: 'absolute',
            left: '6%',
            right: '6%',
            bottom: '22%',
            borderBottom: '1px solid #d9d9d9',
            pointerEvents: 'none',
          }}
        >
          <span style={{ position: 'absolute', left: -14, bottom: 0, color: '#bfbfbf', fontSize: 14 }}>×</span>
        </div>
        {empty && (
          <Flex
            aria-hidden
            align="center"
            justify="center"
            style={{ position: 'absolute', inset: 0, color: '#bfbfbf', fontSize: 18, letterSpacing: 2, pointerEvents: 'none' }}
          >
            {t('signHere')}
          </Flex>
        )}
        <canvas
          ref={canvas}
          data-testid={`pad-${role}`}
          data-strokes={value.strokes.length}
          aria-label={`${l(SIGNER_ROLE_LABELS[role])} ${t('signHere')}`}
          onPointerDown={down}
          onPointerMove={move}
          onPointerUp={up}
          onPointerCancel={up}
          onLostPointerCapture={up}
          style={{
            position: 'absolute',
            inset: 0,
            width: '100%',
            height: '100%',
            touchAction: 'none',
            cursor: disabled ? 'not-allowed' : 'crosshair',
            borderRadius: 6,
          }}
        />
      </div>
    </Flex>
  );
}

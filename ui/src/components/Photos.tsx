import { PictureOutlined } from '@ant-design/icons';
import { App, Flex, Image, Spin, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import type { DragEvent } from 'react';
import { api, toCommandError } from '../api';
import type { PhotoRef } from '../bindings/PhotoRef';
import type { PhotoTarget } from '../bindings/PhotoTarget';
import { useI18n } from '../i18n';

/** A stored photo's thumbnail; clicking shows the watermarked display copy. */
export function PhotoThumb({ photo }: { photo: PhotoRef }) {
  const [thumb, setThumb] = useState<string | null>(null);
  const [full, setFull] = useState<string | null>(null);
  useEffect(() => {
    let url: string | null = null;
    api.photo(photo.sha256, false).then(
      (buf) => {
        url = URL.createObjectURL(new Blob([buf], { type: 'image/jpeg' }));
        setThumb(url);
      },
      () => setThumb(null),
    );
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [photo.sha256]);
  const preview = () => {
    if (full) return;
    api.photo(photo.sha256, true).then((buf) => setFull(URL.createObjectURL(new Blob([buf], { type: 'image/jpeg' }))), () => {});
  };
  if (!thumb) return <Spin size="small" />;
  return (
    <Image
      data-testid="photo-thumb"
      data-sha256={photo.sha256}
      src={thumb}
      width={72}
      height={54}
      style={{ objectFit: 'cover', borderRadius: 4 }}
      preview={{ src: full ?? thumb, onOpenChange: (open) => open && preview() }}
    />
  );
}

/**
 * Photos of one item or hazard, with a button for the file dialog and a drop zone. Each file is
 * sent as it is and stored by the Rust side; a bad file is refused with the reason and nothing of
 * it is kept.
 */
export function PhotoStrip({
  photos,
  target,
  editable,
  onAdded,
  testId,
}: {
  photos: PhotoRef[];
  target: PhotoTarget;
  editable: boolean;
  onAdded: () => void;
  testId?: string;
}) {
  const { t, m } = useI18n();
  const { message } = App.useApp();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(0);
  const [over, setOver] = useState(false);

  // The photos are stored one after another, in the order chosen (each file is read while the
  // one before is being stored), and the record is shown again once, when all are in.
  const send = async (files: FileList | File[]) => {
    const chosen = Array.from(files);
    setBusy((n) => n + chosen.length);
    const reads = chosen.map((file) => file.arrayBuffer());
    let stored = 0;
    for (const [i, file] of chosen.entries()) {
      try {
        const added = await api.addPhoto(new Uint8Array(await reads[i]), target);
        stored += 1;
        for (const w of added.warnings) message.warning(m(w));
        if (added.look_alikes.length > 0) message.warning(t('photoLookAlike'));
      } catch (e) {
        message.error({ content: `${file.name}：${m(toCommandError(e).message)}`, duration: 8 });
      } finally {
        setBusy((n) => n - 1);
      }
    }
    if (stored > 0) onAdded();
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (editable && e.dataTransfer.files.length > 0) void send(e.dataTransfer.files);
  };

  return (
    <Flex
      gap={6}
      wrap
      align="center"
      data-testid={testId}
      data-count={photos.length}
      onDragOver={(e) => {
        if (!editable) return;
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      style={{ minHeight: 30, padding: 2, borderRadius: 4, outline: over ? '2px dashed #1677ff' : undefined }}
    >
      {photos.map((p) => (
        <PhotoThumb key={p.sha256} photo={p} />
      ))}
      {busy > 0 && <Spin size="small" />}
      {editable && (
        <>
          <input
            ref={input}
            type="file"
            accept="image/jpeg,image/png,.jpg,.jpeg,.png,.heic"
            multiple
            data-testid="photo-input"
            // Present but invisible (not display:none), so the WebDriver tests can hand it a file;
            // never in the way of a click on 添加照片, which opens it.
            style={{ position: 'absolute', width: 1, height: 1, opacity: 0, pointerEvents: 'none' }}
            onChange={(e) => {
              if (e.target.files) void send(e.target.files);
              e.target.value = '';
            }}
          />
          <Typography.Link onClick={() => input.current?.click()}>
            <PictureOutlined /> {t('addPhoto')}
          </Typography.Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('dropPhotos')}
          </Typography.Text>
        </>
      )}
    </Flex>
  );
}

import { useEffect } from 'react';
import { useLocation } from 'react-router-dom';

/**
 * Brings the element with this id into view once it has its content, when the address names it (`#id`): a badge on
 * one page links to the section of another that holds its evidence, and that section loads after the page does.
 * Returns whether the address names it, so the section can mark itself.
 */
export function useScrollToHash(id: string, ready: boolean): boolean {
  const { hash } = useLocation();
  const targeted = hash === `#${id}`;
  useEffect(() => {
    if (ready && targeted) document.getElementById(id)?.scrollIntoView({ block: 'start' });
  }, [id, ready, targeted]);
  return targeted;
}

-- Answers of provincial agencies to citizens' questions from the portal (issue 13 §3), pushed to DVCQG with
-- DongBoKetQuaHoiDapGuiTuDVCQG. One answer per question: the portal marks a question answered.
CREATE TABLE qa_answers (
  hoidap_id       text PRIMARY KEY,
  agency          text NOT NULL,
  item            jsonb NOT NULL,
  -- pending: to push (and retried until the portal takes it); pushed; refused: the portal said no (an
  -- operator reads why and pushes again after a fix).
  state           text NOT NULL CHECK (state IN ('pending', 'pushed', 'refused')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  submitted_by    text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  pushed_at       timestamptz
);
CREATE INDEX qa_answers_due ON qa_answers (next_attempt_at) WHERE state = 'pending';

#version 330 core
// A full-window quad for the cairo-drawn panels: the vertex id picks the corner.
out vec2 uv;
void main()
{
    vec2 corner = vec2(gl_VertexID & 1, gl_VertexID >> 1);
    uv = vec2(corner.x, 1.0 - corner.y);
    gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
}
